package io.gantry.bench.load;

/**
 * A reply to a request (an envelope carrying the request's cid): its payload type
 * ({@code match}, {@code channel}, {@code error}, {@code pong}, {@code status},
 * {@code matchmaker_ticket}, …), the id it names (match id, channel id, ticket) and for an
 * {@code error} its code and message.
 */
public record Reply(String type, String id, int code, String message) {
    public boolean isError() {
        return "error".equals(type);
    }

    static Reply error(int code, String message) {
        return new Reply("error", null, code, message);
    }

    @Override
    public String toString() {
        return isError() ? "error " + code + ": " + message : type + (id == null ? "" : " " + id);
    }
}
