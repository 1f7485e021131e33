package io.gantry.transport.http;

import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import com.heroiclabs.nakama.rtapi.Error;
import io.gantry.core.rpc.RpcService;
import io.gantry.core.auth.TokenService;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;

import java.util.Map;
import java.util.concurrent.Executor;

/**
 * {@code POST|GET /v2/rpc/{id}}: server functions over REST, with a session token or, for
 * server-to-server calls, the HTTP key ({@code ?http_key=}). As in Nakama, the body is a JSON
 * string literal (clients stringify their payload twice) and the answer is
 * {@code {"payload": "<string>"}}; with {@code ?unwrap} the body is the payload as is and the
 * answer is the function's result as is. {@code GET} takes the payload from {@code ?payload=}.
 * Functions run on their own executor: when it is full the answer is 503 in the RPC error shape
 * ({@code "Server is busy running functions; retry later."}), as Nakama answers overload.
 */
public final class RpcApi {

    private final RpcService rpc;
    private final Executor userCode;

    /**
     * @param userCode runs the functions: a bounded executor of its own (the socket RPC one), not
     *                 the API executor that serves logins; when it is full the caller gets 503
     */
    public RpcApi(RpcService rpc, Executor userCode) {
        this.rpc = rpc;
        this.userCode = userCode;
    }

    public void register(ApiRoutes routes) {
        routes.add(HttpMethod.POST, "/v2/rpc/{id}", AuthMode.SESSION_OR_HTTP_KEY, this::call, ApiRoutes.ErrorShape.RPC, userCode)
                .add(HttpMethod.GET, "/v2/rpc/{id}", AuthMode.SESSION_OR_HTTP_KEY, this::call, ApiRoutes.ErrorShape.RPC, userCode);
    }

    ApiResponse call(ApiRequest request) throws ApiException {
        String id = request.pathParam("id");
        if (id == null || id.isEmpty()) {
            throw ApiException.badInput("RPC ID must be set.");
        }
        boolean unwrap = request.query().containsKey("unwrap");
        String payload;
        if (request.method().equals(HttpMethod.GET)) {
            String value = request.queryParam("payload");
            payload = value == null ? "" : value;
        } else if (unwrap || request.body() == null || request.body().isBlank()) {
            payload = request.body() == null ? "" : request.body();
        } else {
            payload = jsonString(request.body());
        }
        TokenService.Claims caller = request.caller();
        RpcService.Result result = caller == null
                ? rpc.call(id, payload, "", "", Map.of())
                : rpc.call(id, payload, caller.userId(), caller.username(), caller.vars());
        if (!result.isOk()) {
            if (result.errorCode() == Error.Code.RUNTIME_FUNCTION_NOT_FOUND_VALUE) {
                throw ApiException.notFound("RPC function not found");
            }
            if (result.refusal() != null) {
                throw new ApiException(HttpResponseStatus.valueOf(result.refusal().httpStatus()),
                        result.refusal().grpcCode(), result.error());
            }
            throw new ApiException(HttpResponseStatus.INTERNAL_SERVER_ERROR, ApiException.INTERNAL, result.error());
        }
        if (unwrap) {
            return ApiResponse.okJson(result.payload());
        }
        return ApiResponse.okJson("{\"payload\":" + new JsonPrimitive(result.payload()) + "}");
    }

    private static String jsonString(String body) throws ApiException {
        try {
            JsonElement element = JsonParser.parseString(body);
            if (element.isJsonPrimitive() && element.getAsJsonPrimitive().isString()) {
                return element.getAsString();
            }
        } catch (RuntimeException e) {
            // falls through to the error below
        }
        throw ApiException.badInput("Unable to parse RPC payload: the body must be a JSON string "
                + "(clients send the payload stringified), or call with ?unwrap to send it as is.");
    }
}
