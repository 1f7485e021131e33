package io.gantry.transport.http;

import com.google.protobuf.Message;
import io.gantry.proto.EnvelopeCodec;
import io.netty.handler.codec.http.HttpResponseStatus;

/** A REST answer: a status and a body (JSON unless said otherwise). */
public record ApiResponse(HttpResponseStatus status, String json, String contentType) {

    public ApiResponse(HttpResponseStatus status, String json) {
        this(status, json, "application/json");
    }

    /** A plain-text answer, e.g. the Prometheus exposition format. */
    public static ApiResponse text(String body, String contentType) {
        return new ApiResponse(HttpResponseStatus.OK, body, contentType);
    }

    public static ApiResponse ok(Message message) {
        return new ApiResponse(HttpResponseStatus.OK, EnvelopeCodec.toJson(message));
    }

    public static ApiResponse okJson(String json) {
        return new ApiResponse(HttpResponseStatus.OK, json);
    }

    /** An empty JSON object, as Nakama answers calls that return nothing. */
    public static ApiResponse empty() {
        return new ApiResponse(HttpResponseStatus.OK, "{}");
    }
}
