package io.gantry.proto;


/**
 * How envelopes travel on one socket, chosen by the client at connect time ({@code format=}).
 * JSON envelopes travel in WebSocket text frames, protobuf envelopes in binary frames.
 */
public enum WireFormat {
    JSON,
    PROTOBUF;

    /** Parses the {@code format} query parameter; an absent value means JSON, as in Nakama. */
    public static WireFormat fromQuery(String value) {
        if (value == null || value.isEmpty()) {
            return JSON;
        }
        return switch (value) { // case-sensitive, as Nakama's acceptor
            case "json" -> JSON;
            case "protobuf" -> PROTOBUF;
            default -> throw new IllegalArgumentException("format must be json or protobuf, not '" + value + "'");
        };
    }
}
