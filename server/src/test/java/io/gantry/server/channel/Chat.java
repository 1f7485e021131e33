package io.gantry.server.channel;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.gantry.server.testing.TestServer;
import io.gantry.server.testing.TestUser;
import io.gantry.server.testing.SocketClient;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One user's socket (a {@link SocketClient} from {@link TestServer#connect}: a JSON WebSocket, or a
 * TCP connection in a run over TCP), seen as a chat client: sends requests with fresh
 * cids and reads what the server sends as JSON objects (the wire form: proto field names, wrappers
 * as bare values). Frames that a wait skips are kept, in order, for later reads, so no event is
 * lost between assertions. Connects with {@code status=false}, so the only traffic is what the
 * test causes. "Nothing else arrived" is a barrier ({@link #expectQuiet}), see {@link SocketClient}.
 */
final class Chat implements AutoCloseable {

    private static final AtomicInteger CIDS = new AtomicInteger(100);

    final TestUser user;
    private final SocketClient ws;

    private Chat(TestUser user, SocketClient ws) {
        this.user = user;
        this.ws = ws;
    }

    static Chat connect(TestServer server, TestUser user) {
        return new Chat(user, server.connect(user, "json", false));
    }

    /** To a server in a JVM of its own (see {@code ChannelRestartTest}): its WebSocket and TCP ports. */
    static Chat connect(int port, int tcpPort, TestUser user) {
        return new Chat(user, TestServer.connect(port, tcpPort, user.token(), "json", false));
    }

    /** The one socket client underneath. */
    SocketClient socket() {
        return ws;
    }

    /** Sends a raw text frame. */
    void sendText(String text) {
        ws.sendText(text);
    }

    boolean isClosed() {
        return ws.isClosed();
    }

    /** The close code the server sent, waiting for it. */
    int awaitClose() {
        return ws.awaitClose();
    }

    String userId() {
        return user.userId();
    }

    String username() {
        return user.username();
    }

    static String nextCid() {
        return "c" + CIDS.incrementAndGet();
    }

    // ---- sending ------------------------------------------------------------------------------

    /** Sends {@code {"cid": cid, type: body}} and returns the cid. */
    String sendRequest(String type, JsonObject body) {
        String cid = nextCid();
        JsonObject envelope = new JsonObject();
        envelope.addProperty("cid", cid);
        envelope.add(type, body);
        sendText(envelope.toString());
        return cid;
    }

    /** Sends a request and returns the one envelope that carries its cid (other frames are kept). */
    JsonObject request(String type, JsonObject body) {
        String cid = sendRequest(type, body);
        return reply(cid);
    }

    /** The envelope answering {@code cid}. */
    JsonObject reply(String cid) {
        return await(e -> e.has("cid") && cid.equals(e.get("cid").getAsString()), "reply to cid " + cid);
    }

    static JsonObject join(int type, String target, Boolean persistence, Boolean hidden) {
        JsonObject join = new JsonObject();
        join.addProperty("target", target);
        join.addProperty("type", type);
        if (persistence != null) {
            join.addProperty("persistence", persistence);
        }
        if (hidden != null) {
            join.addProperty("hidden", hidden);
        }
        return join;
    }

    /** Joins a room (persistent, visible) and returns the {@code channel} of the reply, checked. */
    JsonObject joinRoom(String name) {
        return joinOk(join(1, name, null, null));
    }

    /** Sends a channel_join and returns the reply's {@code channel}, failing on anything else. */
    JsonObject joinOk(JsonObject join) {
        JsonObject reply = request("channel_join", join);
        assertTrue(reply.has("channel"), () -> "join reply is not a channel: " + reply);
        return reply.getAsJsonObject("channel");
    }

    /** Joins and consumes this socket's own join event (sent for visible joins), returning the channel. */
    JsonObject joinRoomAndOwnEvent(String name) {
        JsonObject channel = joinRoom(name);
        awaitPresence(channel.get("id").getAsString(), userId(), true);
        return channel;
    }

    static JsonObject send(String channelId, String content) {
        JsonObject send = new JsonObject();
        send.addProperty("channel_id", channelId);
        send.addProperty("content", content);
        return send;
    }

    static JsonObject sendWithClientId(String channelId, String content, String clientMessageId) {
        JsonObject send = send(channelId, content);
        send.addProperty("client_message_id", clientMessageId);
        return send;
    }

    /** Sends a message and returns the ack, failing on an error. */
    JsonObject sendOk(String channelId, String content) {
        return ackOf(request("channel_message_send", send(channelId, content)));
    }

    JsonObject updateOk(String channelId, String messageId, String content) {
        return ackOf(request("channel_message_update", update(channelId, messageId, content)));
    }

    JsonObject removeOk(String channelId, String messageId) {
        return ackOf(request("channel_message_remove", remove(channelId, messageId)));
    }

    static JsonObject update(String channelId, String messageId, String content) {
        JsonObject update = new JsonObject();
        update.addProperty("channel_id", channelId);
        update.addProperty("message_id", messageId);
        update.addProperty("content", content);
        return update;
    }

    static JsonObject remove(String channelId, String messageId) {
        JsonObject remove = new JsonObject();
        remove.addProperty("channel_id", channelId);
        remove.addProperty("message_id", messageId);
        return remove;
    }

    static JsonObject leave(String channelId) {
        JsonObject leave = new JsonObject();
        leave.addProperty("channel_id", channelId);
        return leave;
    }

    static JsonObject ackOf(JsonObject reply) {
        assertTrue(reply.has("channel_message_ack"), () -> "expected an ack, got " + reply);
        return reply.getAsJsonObject("channel_message_ack");
    }

    /** Asserts {@code reply} is an error with code 3 (BAD_INPUT) and returns its message. */
    static String assertBadInput(JsonObject reply, String cid) {
        assertEquals(cid, reply.has("cid") ? reply.get("cid").getAsString() : null, () -> "cid of " + reply);
        assertTrue(reply.has("error"), () -> "expected an error, got " + reply);
        JsonObject error = reply.getAsJsonObject("error");
        assertEquals(3, error.get("code").getAsInt(), () -> "error code of " + reply);
        String message = error.has("message") ? error.get("message").getAsString() : "";
        assertTrue(!message.isBlank(), () -> "error without a message: " + reply);
        return message;
    }

    /** Sends a request that must fail with BAD_INPUT carrying its cid; returns the message. */
    String expectBadInput(String type, JsonObject body) {
        String cid = sendRequest(type, body);
        return assertBadInput(reply(cid), cid);
    }

    // ---- receiving ----------------------------------------------------------------------------

    /** The next frame in order (kept ones first). */
    JsonObject next() {
        return ws.next().json();
    }

    /** The first frame (kept or new) that matches; the others stay kept, in order. */
    JsonObject await(Predicate<JsonObject> match, String what) {
        return ws.awaitFrame(frame -> match.test(frame.json()), user.username() + "'s " + what).json();
    }

    /** The next channel_message of a channel. */
    JsonObject awaitMessage(String channelId) {
        return await(e -> e.has("channel_message")
                && channelId.equals(e.getAsJsonObject("channel_message").get("channel_id").getAsString()),
                "channel_message in " + channelId).getAsJsonObject("channel_message");
    }

    /** The next channel_message with this message id. */
    JsonObject awaitMessageId(String messageId) {
        return await(e -> e.has("channel_message")
                && messageId.equals(e.getAsJsonObject("channel_message").get("message_id").getAsString()),
                "channel_message " + messageId).getAsJsonObject("channel_message");
    }

    /** The next presence event of a channel that joins (or leaves) this user. */
    JsonObject awaitPresence(String channelId, String userId, boolean join) {
        String list = join ? "joins" : "leaves";
        return await(e -> {
            if (!e.has("channel_presence_event")) {
                return false;
            }
            JsonObject event = e.getAsJsonObject("channel_presence_event");
            if (!channelId.equals(event.get("channel_id").getAsString()) || !event.has(list)) {
                return false;
            }
            for (JsonElement p : event.getAsJsonArray(list)) {
                if (userId.equals(p.getAsJsonObject().get("user_id").getAsString())) {
                    return true;
                }
            }
            return false;
        }, (join ? "join" : "leave") + " event of " + userId + " in " + channelId)
                .getAsJsonObject("channel_presence_event");
    }

    /**
     * Asserts nothing is kept and nothing arrived before the pong of a barrier. Proves that
     * another client's request did nothing here only once the server has processed it (its reply
     * or ack arrived, or the sender's own barrier returned).
     */
    void expectQuiet() {
        ws.assertNothingElse();
    }

    /** Everything received before a barrier's pong that no wait consumed, kept frames first. */
    List<JsonObject> drain() {
        return ws.barrier().stream().map(SocketClient.Frame::json).toList();
    }

    /** Closes the socket abruptly (no close frame): the server sees a disconnect. */
    void abort() {
        ws.abort();
    }

    @Override
    public void close() {
        ws.close();
    }
}
