package io.gantry.transport.http;

import io.gantry.core.runtime.ApiHooks;
import io.gantry.runtime.ApiCall;
import io.netty.handler.codec.http.HttpMethod;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The REST route table. Paths are literal segments and {@code {name}} variables, e.g.
 * {@code /v2/channel/{channel_id}}. Filled once at start-up, read-only afterwards.
 */
public final class ApiRoutes {

    /** A route found for a request, with its path variables. */
    public record Match(Route route, Map<String, String> pathParams) {
    }

    /**
     * How a route's errors look, as Nakama answers them: most calls go through grpc-gateway
     * ({@code {"code", "message"}}, and a 401's message in {@code WWW-Authenticate}); RPC has a
     * handler of its own ({@code api_rpc.go}: {@code {"error", "message", "code"}}, no challenge).
     */
    public enum ErrorShape { GATEWAY, RPC }

    /**
     * One endpoint. {@code executor} runs its handler: null for the API executor; routes that
     * run user code (REST RPC) have their own, so that a busy module cannot hold back logins.
     * {@code inline}, when not null, is tried first on the event loop; the handler runs only for
     * the requests it leaves (see {@link InlineHandler}).
     */
    public record Route(HttpMethod method, String pattern, AuthMode auth, ApiHandler handler, String[] segments,
                        ErrorShape errors, java.util.concurrent.Executor executor, InlineHandler inline) {
    }

    private final List<Route> routes = new ArrayList<>();

    public ApiRoutes add(HttpMethod method, String pattern, AuthMode auth, ApiHandler handler) {
        return add(method, pattern, auth, handler, ErrorShape.GATEWAY);
    }

    public ApiRoutes add(HttpMethod method, String pattern, AuthMode auth, ApiHandler handler, ErrorShape errors) {
        return add(method, pattern, auth, handler, errors, null);
    }

    /** A route whose handler runs on its own bounded executor (a full one answers 503). */
    public ApiRoutes add(HttpMethod method, String pattern, AuthMode auth, ApiHandler handler, ErrorShape errors,
                         java.util.concurrent.Executor executor) {
        routes.add(new Route(method, pattern, auth, handler, split(pattern), errors, executor, null));
        return this;
    }

    /**
     * A route answered on the event loop by {@code inline} when it can, and by {@code handler} on
     * the API executor otherwise.
     */
    public ApiRoutes addInline(HttpMethod method, String pattern, AuthMode auth, InlineHandler inline,
                               ApiHandler handler) {
        routes.add(new Route(method, pattern, auth, handler, split(pattern), ErrorShape.GATEWAY, null,
                java.util.Objects.requireNonNull(inline, "inline")));
        return this;
    }

    /**
     * A session route for a client call server code can hook ({@link ApiHooks}): its handler runs
     * on {@code userCode} (the RPC executor) when server code registered a hook for {@code call},
     * since hooks are user code, and on the API executor otherwise.
     */
    ApiRoutes hookable(HttpMethod method, String pattern, ApiCall<?, ?> call, ApiHooks hooks,
                       java.util.concurrent.Executor userCode, ApiHandler.ServiceCall handler) {
        return add(method, pattern, AuthMode.SESSION, ApiHandler.of(handler), ErrorShape.GATEWAY,
                hooks.hooked(call) ? userCode : null);
    }

    /**
     * The route for a method and a raw (still percent-encoded) path; null when none matches the
     * path at all. Segments are decoded after splitting, so {@code %2F} stays inside its segment.
     */
    public Match find(HttpMethod method, String path) {
        String[] segments = split(path);
        if (path.length() > 1 && path.endsWith("/")) {
            // grpc-gateway reads "/v2/leaderboard/" as "/v2/leaderboard/{leaderboard_id}" with an empty
            // id (the service then refuses the id); without such a route the slash is ignored
            String[] withEmpty = java.util.Arrays.copyOf(segments, segments.length + 1);
            withEmpty[segments.length] = "";
            Match match = find(method, withEmpty, true);
            if (match != null && match.route() != null) {
                return match;
            }
        }
        return find(method, segments, false);
    }

    private Match find(HttpMethod method, String[] segments, boolean emptyLast) {
        Match pathOnly = null;
        for (Route route : routes) {
            Map<String, String> params = matchPath(route.segments(), segments);
            if (params == null || emptyLast && !route.segments()[segments.length - 1].startsWith("{")) {
                continue;
            }
            if (route.method().equals(method)) {
                return new Match(route, params);
            }
            pathOnly = new Match(null, params);
        }
        return pathOnly;
    }

    private static Map<String, String> matchPath(String[] pattern, String[] path) {
        if (pattern.length != path.length) {
            return null;
        }
        Map<String, String> params = null;
        for (int i = 0; i < pattern.length; i++) {
            String p = pattern[i];
            if (p.startsWith("{") && p.endsWith("}")) {
                if (params == null) {
                    params = new HashMap<>(2);
                }
                params.put(p.substring(1, p.length() - 1), path[i]);
            } else if (!p.equals(path[i])) {
                return null;
            }
        }
        return params == null ? Map.of() : params;
    }

    private static String[] split(String path) {
        String trimmed = path.startsWith("/") ? path.substring(1) : path;
        if (trimmed.endsWith("/")) {
            trimmed = trimmed.substring(0, trimmed.length() - 1);
        }
        if (trimmed.isEmpty()) {
            return new String[0];
        }
        // empty segments ("//") are dropped, as grpc-gateway cleans the path before matching it
        String[] segments = java.util.Arrays.stream(trimmed.split("/", -1)).filter(seg -> !seg.isEmpty())
                .toArray(String[]::new);
        for (int i = 0; i < segments.length; i++) {
            if (segments[i].indexOf('%') >= 0 || segments[i].indexOf('+') >= 0) {
                segments[i] = io.netty.handler.codec.http.QueryStringDecoder.decodeComponent(segments[i].replace("+", "%2B"));
            }
        }
        return segments;
    }
}
