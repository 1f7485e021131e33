package io.gantry.server.match;

import com.google.protobuf.ByteString;
import com.heroiclabs.nakama.rtapi.Envelope;
import com.heroiclabs.nakama.rtapi.MatchCreate;
import com.heroiclabs.nakama.rtapi.MatchDataSend;
import com.heroiclabs.nakama.rtapi.MatchJoin;
import com.heroiclabs.nakama.rtapi.MatchLeave;
import com.heroiclabs.nakama.rtapi.UserPresence;
import io.gantry.server.testing.TestServer;
import io.gantry.server.testing.TestUser;
import io.gantry.server.testing.SocketClient;

import java.util.Map;
import java.util.function.Predicate;

/**
 * One user's socket (a {@link SocketClient} from {@link TestServer#connect}: a JSON WebSocket, or a
 * TCP connection in a run over TCP), seen as a game client: match requests as
 * envelopes, and waits that keep the frames they skip (in order) for later waits, so no event is
 * lost between assertions. Connects with {@code status=false}, so the only traffic is what the
 * test causes. "Nothing else arrived" is a barrier ({@link #expectSilence}), see {@link SocketClient}.
 */
final class Player implements AutoCloseable {

    final TestUser user;
    private final SocketClient socket;

    private Player(TestUser user, SocketClient socket) {
        this.user = user;
        this.socket = socket;
    }

    static Player connect(TestServer server) {
        return connect(server, server.newUser());
    }

    static Player connect(TestServer server, TestUser user) {
        return new Player(user, server.connect(user, "json", false));
    }

    String userId() {
        return user.userId();
    }

    // ---- requests -----------------------------------------------------------------------------

    /** Sends a request with a fresh cid and returns the envelope answering it. */
    Envelope request(Envelope.Builder request) {
        return socket.request(request);
    }

    /** The one socket client underneath. */
    SocketClient socket() {
        return socket;
    }

    void send(Envelope envelope) {
        socket.send(envelope);
    }

    void sendText(String text) {
        socket.sendText(text);
    }

    Envelope createMatch(String name) {
        return request(Envelope.newBuilder().setMatchCreate(MatchCreate.newBuilder().setName(name == null ? "" : name)));
    }

    Envelope join(String matchId, Map<String, String> metadata) {
        return request(Envelope.newBuilder().setMatchJoin(MatchJoin.newBuilder().setMatchId(matchId).putAllMetadata(metadata)));
    }

    Envelope join(String matchId) {
        return join(matchId, Map.of());
    }

    /** Joins, checks the reply is a match, and consumes this player's own join event. */
    Envelope joinOk(String matchId) {
        Envelope reply = join(matchId);
        if (!reply.hasMatch()) {
            throw new AssertionError("join of " + matchId + " failed: " + reply);
        }
        awaitJoinOf(matchId, userId());
        return reply;
    }

    Envelope leave(String matchId) {
        return request(Envelope.newBuilder().setMatchLeave(MatchLeave.newBuilder().setMatchId(matchId)));
    }

    static Envelope data(String matchId, long opCode, String data, UserPresence... to) {
        MatchDataSend.Builder send = MatchDataSend.newBuilder().setMatchId(matchId).setOpCode(opCode)
                .setData(ByteString.copyFromUtf8(data)).setReliable(true);
        for (UserPresence presence : to) {
            send.addPresences(presence);
        }
        return Envelope.newBuilder().setMatchDataSend(send).build();
    }

    void sendData(String matchId, long opCode, String data, UserPresence... to) {
        send(data(matchId, opCode, data, to));
    }

    // ---- waiting ------------------------------------------------------------------------------

    /** The first envelope (kept or new) that matches; the others stay kept, in order. */
    Envelope await(Predicate<Envelope> match, String what) {
        return socket.awaitEnvelope(match, user.username() + ": " + what);
    }

    Envelope await(Predicate<Envelope> match, String what, java.time.Duration timeout) {
        return socket.awaitFrame(frame -> match.test(frame.envelope()), user.username() + ": " + what, timeout).envelope();
    }

    Envelope awaitData(String matchId, long opCode) {
        return await(e -> e.hasMatchData() && e.getMatchData().getMatchId().equals(matchId)
                && e.getMatchData().getOpCode() == opCode, "match data op " + opCode);
    }

    Envelope awaitJoinOf(String matchId, String userId) {
        return await(e -> e.hasMatchPresenceEvent() && e.getMatchPresenceEvent().getMatchId().equals(matchId)
                && e.getMatchPresenceEvent().getJoinsList().stream().anyMatch(p -> p.getUserId().equals(userId)),
                "join event of " + userId);
    }

    Envelope awaitLeaveOf(String matchId, String userId) {
        return await(e -> e.hasMatchPresenceEvent() && e.getMatchPresenceEvent().getMatchId().equals(matchId)
                && e.getMatchPresenceEvent().getLeavesList().stream().anyMatch(p -> p.getUserId().equals(userId)),
                "leave event of " + userId);
    }

    Envelope awaitError() {
        return await(Envelope::hasError, "error");
    }

    /**
     * Asserts that nothing is kept and nothing arrived before the pong of a barrier. Proves that
     * another player's request did nothing here only once the server has processed it (its reply,
     * or the sender's own {@link #barrier()}); an authoritative match's handler runs on its own
     * worker, so its sends need their own proof (a later message from the match).
     */
    void expectSilence() {
        socket.assertNothingElse();
    }

    /** A barrier on this socket: the server has processed everything this player sent before it. */
    java.util.List<Envelope> barrier() {
        return socket.barrierEnvelopes();
    }

    @Override
    public void close() {
        socket.close();
    }
}
