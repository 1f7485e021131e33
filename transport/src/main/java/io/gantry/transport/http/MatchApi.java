package io.gantry.transport.http;

import com.google.protobuf.StringValue;
import com.heroiclabs.nakama.api.Match;
import com.heroiclabs.nakama.api.MatchList;
import io.gantry.runtime.MatchInfo;
import io.gantry.runtime.Matches;
import io.netty.handler.codec.http.HttpMethod;

/**
 * {@code GET /v2/match?limit=&authoritative=&label=&min_size=&max_size=&query=}: the matches
 * of this node, as Nakama lists them. {@code limit} is 1 to 100 (default 1); {@code label} is an
 * exact label; {@code query} is a query over a JSON label's fields ({@code +label.mode:ranked
 * +label.skill:>=50}) and keeps authoritative matches only, best first. Label and query filters
 * make no sense for relayed matches and are refused with {@code authoritative=false}. What is
 * listed is a snapshot refreshed every {@code match.label_update_interval_ms}.
 */
public final class MatchApi {

    private final Matches matches;

    public MatchApi(Matches matches) {
        this.matches = matches;
    }

    public void register(ApiRoutes routes) {
        routes.add(HttpMethod.GET, "/v2/match", AuthMode.SESSION, this::list);
    }

    ApiResponse list(ApiRequest request) throws ApiException {
        int limit = request.queryLimit();
        Boolean authoritative = null;
        String authoritativeParam = request.queryParam("authoritative");
        if (authoritativeParam != null && !authoritativeParam.isEmpty()) {
            authoritative = request.queryBoolean("authoritative", false);
        }
        String label = request.queryParam("label");
        String query = request.queryParam("query");
        if (label != null && Boolean.FALSE.equals(authoritative)) {
            throw ApiException.badInput("Label filtering is not supported for non-authoritative matches.");
        }
        if (query != null && Boolean.FALSE.equals(authoritative)) {
            throw ApiException.badInput("Query filtering is not supported for non-authoritative matches.");
        }
        Integer minSize = intParam(request, "min_size", "Invalid min_size - it must be a number.");
        Integer maxSize = intParam(request, "max_size", "Invalid max_size - it must be a number.");
        if (minSize != null && minSize < 0) {
            throw ApiException.badInput("Minimum size must be 0 or above.");
        }
        if (maxSize != null && maxSize < 0) {
            throw ApiException.badInput("Maximum size must be 0 or above.");
        }
        if (minSize != null && maxSize != null && minSize > maxSize) {
            throw ApiException.badInput("Maximum size must be greater than or equal to minimum size when both are specified.");
        }
        java.util.List<MatchInfo> found;
        try {
            found = matches.list(limit, authoritative, label, minSize, maxSize, query);
        } catch (IllegalArgumentException e) {
            // the query's parse error, which says where the query is wrong
            throw ApiException.badInput("Invalid query: " + e.getMessage());
        }
        MatchList.Builder list = MatchList.newBuilder();
        for (MatchInfo info : found) {
            Match.Builder match = Match.newBuilder()
                    .setMatchId(info.matchId())
                    .setAuthoritative(info.authoritative())
                    .setSize(info.size())
                    .setTickRate(info.tickRate())
                    .setHandlerName(info.handlerName() == null ? "" : info.handlerName());
            if (info.authoritative()) {
                match.setLabel(StringValue.of(info.label() == null ? "" : info.label()));
            }
            list.addMatches(match);
        }
        return ApiResponse.ok(list.build());
    }

    private static Integer intParam(ApiRequest request, String name, String error) throws ApiException {
        String value = request.queryParam(name);
        if (value == null || value.isEmpty()) {
            return null;
        }
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw ApiException.badInput(error);
        }
    }
}
