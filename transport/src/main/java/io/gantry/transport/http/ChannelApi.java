package io.gantry.transport.http;

import io.gantry.core.ServiceException;
import io.gantry.core.channel.ChannelHistory;
import io.netty.handler.codec.http.HttpMethod;

/**
 * {@code GET /v2/channel/{channel_id}?limit=&forward=&cursor=}: a page of a channel's history from
 * {@link ChannelHistory}, which applies the channel's rules (rooms readable by any user, a direct
 * message only by its two users, signed cursors).
 */
public final class ChannelApi {

    private final ChannelHistory history;

    public ChannelApi(ChannelHistory history) {
        this.history = history;
    }

    public void register(ApiRoutes routes) {
        routes.add(HttpMethod.GET, "/v2/channel/{channel_id}", AuthMode.SESSION, ApiHandler.of(this::list));
    }

    ApiResponse list(ApiRequest request) throws ApiException, ServiceException {
        int limit = request.queryLimit();
        boolean forward = request.queryBoolean("forward", true);
        return ApiResponse.ok(history.list(request.caller().userId(), request.pathParam("channel_id"), limit, forward,
                request.queryParam("cursor")));
    }
}
