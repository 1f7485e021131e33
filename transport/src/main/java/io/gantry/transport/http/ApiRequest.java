package io.gantry.transport.http;

import io.gantry.core.ServiceException;
import io.gantry.core.runtime.ApiHooks;
import io.gantry.runtime.ApiCall;
import io.gantry.runtime.HookContext;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import io.gantry.core.ListLimit;
import io.gantry.core.ServiceException;
import io.gantry.proto.EnvelopeCodec;
import io.gantry.core.auth.TokenService;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;

import java.util.List;
import java.util.Map;

/**
 * A REST request after routing and authentication. Immutable; handlers run it on an API
 * thread, never on an event loop, except a route's {@link InlineHandler}, which sees it on the
 * event loop with the request's own headers (not a copy) for the length of that call.
 *
 * @param caller   the verified session token's claims, or null for server-key and HTTP-key calls
 * @param remoteIp the address of the connection's peer (no port); "" when unknown
 */
public record ApiRequest(
        HttpMethod method,
        String path,
        Map<String, String> pathParams,
        Map<String, List<String>> query,
        HttpHeaders headers,
        String body,
        TokenService.Claims caller,
        String remoteIp) {

    /**
     * The client's address as Nakama takes it: the first entry of {@code X-Forwarded-For} when a
     * proxy sent one, else the connection's peer.
     */
    public String clientIp() {
        String forwarded = headers == null ? null : headers.get("X-Forwarded-For");
        if (forwarded != null) {
            String first = forwarded.split(",", 2)[0].trim();
            if (!first.isEmpty()) {
                return first;
            }
        }
        return remoteIp == null ? "" : remoteIp;
    }

    /** A change the caller makes that answers nothing (a link, a friend invite, ...). */
    @FunctionalInterface
    public interface CallerChange<I> {
        void apply(String callerId, I input) throws ServiceException;
    }

    /**
     * Runs {@code change} for this request's caller between server code's hooks of {@code call};
     * answers {@code {}}, as Nakama does for calls without a result.
     */
    public <I> ApiResponse change(ApiHooks hooks, ApiCall<I, Void> call, I input, CallerChange<I> change)
            throws ServiceException {
        String callerId = caller.userId();
        hooks.call(call, hookContext(hooks), input, in -> {
            change.apply(callerId, in);
            return null;
        });
        return ApiResponse.empty();
    }

    /** What server code's hooks see of this request: its caller (a session call) and client address. */
    public HookContext hookContext(ApiHooks hooks) {
        return hooks.context(caller.userId(), caller.username(), caller.vars(), clientIp());
    }

    /** The first value of a query parameter, or null. */
    public String queryParam(String name) {
        List<String> values = query.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    public List<String> queryParams(String name) {
        List<String> values = query.get(name);
        return values == null ? List.of() : values;
    }

    /** A boolean query parameter; absent means the default, anything but true/false is bad input. */
    public boolean queryBoolean(String name, boolean defaultValue) throws ApiException {
        String value = queryParam(name);
        if (value == null || value.isEmpty()) {
            return defaultValue;
        }
        if (value.equalsIgnoreCase("true") || value.equals("1")) {
            return true;
        }
        if (value.equalsIgnoreCase("false") || value.equals("0")) {
            return false;
        }
        throw ApiException.badInput("Invalid value '" + value + "' for parameter " + name + ": expected true or false.");
    }

    /**
     * The {@code limit} query parameter of a listing: 1 when absent, else a number within
     * {@link ListLimit}'s rule (1 to 100, Nakama's); anything else is bad input.
     */
    public int queryLimit() throws ApiException {
        String value = queryParam("limit");
        if (value == null || value.isEmpty()) {
            return 1;
        }
        int limit;
        try {
            limit = Integer.parseInt(value);
        } catch (NumberFormatException e) {
            limit = -1;
        }
        try {
            return ListLimit.check(limit);
        } catch (ServiceException e) {
            throw ApiException.of(e);
        }
    }

    public String pathParam(String name) {
        return pathParams.get(name);
    }

    /** Parses the JSON body into a builder of the given message type. An empty body is an empty message. */
    public <B extends Message.Builder> B bodyAs(B builder) throws ApiException {
        if (body == null || body.isBlank()) {
            return builder;
        }
        try {
            EnvelopeCodec.mergeJson(body, builder);
            return builder;
        } catch (InvalidProtocolBufferException e) {
            throw ApiException.badInput("Invalid request body: " + oneLine(e.getMessage()));
        }
    }

    private static String oneLine(String message) {
        if (message == null) {
            return "malformed JSON";
        }
        message = message.replace('\n', ' ');
        return message.length() > 200 ? message.substring(0, 200) + "…" : message;
    }
}
