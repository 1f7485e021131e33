package io.gantry.server.status;

import com.google.gson.JsonObject;
import com.google.protobuf.StringValue;
import com.heroiclabs.nakama.rtapi.Envelope;
import com.heroiclabs.nakama.rtapi.Error;
import com.heroiclabs.nakama.rtapi.Ping;
import com.heroiclabs.nakama.rtapi.StatusFollow;
import com.heroiclabs.nakama.rtapi.StatusPresenceEvent;
import com.heroiclabs.nakama.rtapi.StatusUnfollow;
import com.heroiclabs.nakama.rtapi.StatusUpdate;
import com.heroiclabs.nakama.rtapi.UserPresence;
import io.gantry.server.testing.TestServer;
import io.gantry.server.testing.TestUser;
import io.gantry.server.testing.SocketClient;

import java.util.List;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One socket of a user (a {@link SocketClient}), for status and notification tests. Waiting for one
 * message keeps the others it passed (an event that arrived before a reply is still there to be
 * checked), so a test can assert exactly what a socket received; "nothing else" is a barrier
 * ({@link #expectQuiet}).
 */
public final class Peer implements AutoCloseable {

    private final SocketClient ws;
    private final TestUser user;

    private Peer(SocketClient ws, TestUser user) {
        this.ws = ws;
        this.user = user;
    }

    /** Connects with {@code status=true}: the user appears online. */
    public static Peer online(TestServer server, TestUser user) {
        return connect(server, user, true);
    }

    /** Connects with {@code status=false}, nakama-js's default. */
    public static Peer hidden(TestServer server, TestUser user) {
        return connect(server, user, false);
    }

    public static Peer connect(TestServer server, TestUser user, boolean status) {
        Peer peer = new Peer(server.connect(user, "json", status), user);
        // The server publishes the connect once the upgrade is written, so a client can be a hair
        // ahead of it: a ping through the router orders everything after the connect.
        peer.request(Envelope.newBuilder().setPing(Ping.getDefaultInstance()));
        return peer;
    }

    public TestUser user() {
        return user;
    }

    public String userId() {
        return user.userId();
    }

    public String username() {
        return user.username();
    }

    public SocketClient socket() {
        return ws;
    }

    // ---- requests ----

    /** Sends a request with a fresh cid and returns the reply with that cid. */
    public Envelope request(Envelope.Builder request) {
        return ws.request(request);
    }

    public Envelope follow(List<String> userIds, List<String> usernames) {
        return request(Envelope.newBuilder().setStatusFollow(StatusFollow.newBuilder()
                .addAllUserIds(userIds).addAllUsernames(usernames)));
    }

    /** Follows and asserts the reply is a {@code status}; returns its presences. */
    public List<UserPresence> followOk(String... userIds) {
        Envelope reply = follow(List.of(userIds), List.of());
        assertEquals(Envelope.MessageCase.STATUS, reply.getMessageCase(), "status_follow reply: " + reply);
        return reply.getStatus().getPresencesList();
    }

    public Envelope unfollow(String... userIds) {
        return request(Envelope.newBuilder().setStatusUnfollow(StatusUnfollow.newBuilder().addAllUserIds(List.of(userIds))));
    }

    /** Sets a status text; null sends an update without one (appear offline). */
    public Envelope update(String status) {
        StatusUpdate.Builder update = StatusUpdate.newBuilder();
        if (status != null) {
            update.setStatus(StringValue.of(status));
        }
        return request(Envelope.newBuilder().setStatusUpdate(update));
    }

    /** Updates and asserts the reply is the empty envelope with the cid. */
    public void updateOk(String status) {
        Envelope reply = update(status);
        assertEquals(Envelope.MessageCase.MESSAGE_NOT_SET, reply.getMessageCase(), "status_update reply: " + reply);
    }

    // ---- what arrived ----

    /** The next status event, wherever it is among what arrived. */
    public StatusPresenceEvent awaitStatusEvent() {
        return awaitFrame(Envelope::hasStatusPresenceEvent, "status_presence_event").envelope().getStatusPresenceEvent();
    }

    /** The next status event as the JSON text the client read. */
    public JsonObject awaitStatusEventJson() {
        return awaitFrame(Envelope::hasStatusPresenceEvent, "status_presence_event").json()
                .getAsJsonObject("status_presence_event");
    }

    public Envelope awaitNotifications() {
        return awaitFrame(Envelope::hasNotifications, "notifications").envelope();
    }

    /** The first matching message, received already or within the timeout; it is consumed. */
    public SocketClient.Frame awaitFrame(Predicate<Envelope> match, String what) {
        return ws.awaitFrame(frame -> match.test(frame.envelope()), what + " for " + user.username());
    }

    /**
     * Asserts nothing (else) arrived: a barrier on this socket. Proves that another socket's
     * request did nothing here once the server has processed it (its reply arrived, or that
     * socket's own barrier returned).
     */
    public void expectQuiet() {
        ws.assertNothingElse();
    }

    /** Forgets everything received before a barrier's pong. */
    public void drain() {
        ws.barrier();
    }

    // ---- assertions ----

    public static void assertBadInput(Envelope reply) {
        assertEquals(Envelope.MessageCase.ERROR, reply.getMessageCase(), "expected an error, got " + reply);
        assertEquals(Error.Code.BAD_INPUT.getNumber(), reply.getError().getCode(), reply.toString());
        assertTrue(!reply.getCid().isEmpty(), "error without cid");
    }

    /** Asserts a presence is this peer's socket with this status. */
    public void assertPresence(UserPresence presence, String status) {
        assertEquals(userId(), presence.getUserId());
        assertEquals(username(), presence.getUsername());
        assertTrue(!presence.getSessionId().isEmpty(), "presence without session id");
        assertTrue(presence.hasStatus(), "presence without status: " + presence);
        assertEquals(status, presence.getStatus().getValue());
    }

    @Override
    public void close() {
        ws.close();
    }
}
