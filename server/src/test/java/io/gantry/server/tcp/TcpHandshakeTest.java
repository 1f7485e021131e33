package io.gantry.server.tcp;

import com.google.gson.JsonObject;
import com.heroiclabs.nakama.rtapi.ChannelJoin;
import com.heroiclabs.nakama.rtapi.Connect;
import com.heroiclabs.nakama.rtapi.Envelope;
import com.heroiclabs.nakama.rtapi.Ping;
import io.gantry.client.TcpConnectException;
import io.gantry.server.config.ConfigKeys;
import io.gantry.server.testing.RawTcp;
import io.gantry.server.testing.SocketClient;
import io.gantry.server.testing.TestServer;
import io.gantry.server.testing.TestUser;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletionException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The TCP transport's handshake: a connect envelope with a valid token opens a session; a missing,
 * bad, expired or logged-out token, or any other first frame, gets an Error with the frame's cid,
 * a disconnect (1008) and the end of the connection, and nothing else is affected.
 */
class TcpHandshakeTest {

    static TestServer server;

    @BeforeAll
    static void start() throws InterruptedException {
        server = TestServer.start(config -> config.with(ConfigKeys.SESSION_TOKEN_EXPIRY_SEC, 60L));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void connectOpensASessionThatServesTheRealtimeProtocol() {
        TestUser user = server.newUser();
        try (RawTcp tcp = RawTcp.open(server.tcpPort())) {
            tcp.send(Envelope.newBuilder().setCid("hello")
                    .setConnect(Connect.newBuilder().setToken(user.token()).setLang("de")).build());
            Envelope connected = tcp.next();
            assertEquals("hello", connected.getCid());
            assertTrue(connected.hasConnected(), connected.toString());
            String sessionId = connected.getConnected().getSessionId();
            assertEquals(sessionId, UUID.fromString(sessionId).toString());
            assertEquals(user.userId(), connected.getConnected().getUserId());

            tcp.send(Envelope.newBuilder().setCid("j1")
                    .setChannelJoin(ChannelJoin.newBuilder().setTarget("tcp-lobby").setType(1)).build());
            Envelope joined = tcp.next();
            assertEquals("j1", joined.getCid());
            assertEquals(sessionId, joined.getChannel().getSelf().getSessionId());
            assertEquals(user.userId(), joined.getChannel().getSelf().getUserId());
            Envelope ownJoin = tcp.next();
            assertEquals(sessionId, ownJoin.getChannelPresenceEvent().getJoins(0).getSessionId(), ownJoin.toString());

            tcp.send(Envelope.newBuilder().setCid("p1").setPing(Ping.getDefaultInstance()).build());
            Envelope pong = tcp.next();
            assertEquals("p1", pong.getCid());
            assertTrue(pong.hasPong(), pong.toString());
        }
    }

    @Test
    void theJavaClientConnectsAndSeesItsSession() {
        TestUser user = server.newUser();
        try (SocketClient socket = SocketClient.connectTcp(server.tcpPort(), user.token(), false, "en")) {
            Envelope joined = socket.request(Envelope.newBuilder()
                    .setChannelJoin(ChannelJoin.newBuilder().setTarget("tcp-client").setType(1)));
            assertEquals(user.userId(), joined.getChannel().getSelf().getUserId());
            socket.awaitEnvelope(Envelope.MessageCase.CHANNEL_PRESENCE_EVENT); // its own join
            socket.assertNothingElse();
        }
    }

    @Test
    void missingTokenIsRefused() {
        assertRefusedToken("");
    }

    @Test
    void garbageTokenIsRefused() {
        assertRefusedToken("not-a-token");
    }

    @Test
    void tokenSignedWithAnotherKeyIsRefused() {
        TestUser user = server.newUser();
        String[] parts = user.token().split("\\.");
        assertRefusedToken(parts[0] + "." + parts[1] + ".c2lnbmF0dXJl");
    }

    @Test
    void expiredTokenIsRefused() throws InterruptedException {
        try (TestServer expiring = TestServer.start(config -> config.with(ConfigKeys.SESSION_TOKEN_EXPIRY_SEC, 1L))) {
            TestUser user = expiring.newUser();
            expiring.clock().advance(Duration.ofSeconds(2)); // the server's token clock, not a wait
            assertRefused(expiring.tcpPort(), user.token());
        }
    }

    @Test
    void loggedOutTokenIsRefused() {
        TestUser user = server.newUser();
        JsonObject body = new JsonObject();
        body.addProperty("token", user.token());
        body.addProperty("refresh_token", user.refreshToken());
        assertEquals(200, server.postWithToken("/v2/session/logout", user.token(), body.toString()).statusCode());
        assertRefusedToken(user.token());
    }

    @Test
    void theJavaClientReportsTheRefusal() {
        CompletionException refused = assertThrows(CompletionException.class,
                () -> SocketClient.connectTcp(server.tcpPort(), "not-a-token", false, "en"));
        TcpConnectException cause = assertInstanceOf(TcpConnectException.class, refused.getCause());
        assertEquals(3, cause.code());
        assertEquals("Missing or invalid token", cause.getMessage());
        assertEquals(1008, cause.closeCode());
    }

    @Test
    void aFirstFrameOtherThanConnectIsRefused() {
        TestUser bystander = server.newUser();
        try (SocketClient other = SocketClient.connectTcp(server.tcpPort(), bystander.token(), false, "en");
             RawTcp tcp = RawTcp.open(server.tcpPort())) {
            tcp.send(Envelope.newBuilder().setCid("p1").setPing(Ping.getDefaultInstance()).build());
            assertErrorThenDisconnect(tcp, "p1", 1,
                    "The first frame of a TCP connection must be a 'connect' envelope with a session token.", 1008);
            other.assertNothingElse();
        }
    }

    @Test
    void aSecondConnectIsRefusedAndClosesTheSession() {
        TestUser user = server.newUser();
        try (RawTcp tcp = RawTcp.open(server.tcpPort())) {
            tcp.send(Envelope.newBuilder().setCid("c1").setConnect(Connect.newBuilder().setToken(user.token())).build());
            assertTrue(tcp.next().hasConnected());
            tcp.send(Envelope.newBuilder().setCid("c2").setConnect(Connect.newBuilder().setToken(user.token())).build());
            assertErrorThenDisconnect(tcp, "c2", 1, "Unrecognized message: 'connect' is only the first frame of a TCP "
                    + "connection; this session is already authenticated.", 1008);
        }
    }

    @Test
    void aConnectOnAWebSocketIsRefusedAsOnTcp() {
        TestUser user = server.newUser();
        try (SocketClient ws = SocketClient.connect(server.wsUri(user.token(), "json"))) {
            ws.send(Envelope.newBuilder().setCid("c1").setConnect(Connect.newBuilder().setToken(user.token())).build());
            Envelope error = ws.nextEnvelope();
            assertEquals("c1", error.getCid());
            assertEquals("Unrecognized message: 'connect' is only the first frame of a TCP connection; this session "
                    + "is already authenticated.", error.getError().getMessage());
            assertEquals(1008, ws.awaitClose());
        }
    }

    @Test
    void tcpPortZeroTurnsTheTransportOff() throws InterruptedException {
        try (TestServer off = TestServer.start(config -> config.with(ConfigKeys.SOCKET_TCP_PORT, 0))) {
            assertEquals(0, off.tcpPort());
            off.newUser(); // REST and the rest of the server work without it
        }
    }

    @Test
    void aServerShuttingDownSaysSoBeforeClosing() throws InterruptedException {
        TestServer stopping = TestServer.start();
        SocketClient socket = SocketClient.connectTcp(stopping.tcpPort(), stopping.newUser().token(), false, "en");
        stopping.close();
        assertEquals(1001, socket.awaitClose());
        assertEquals("server shutting down", socket.closeReason());
        socket.assertNothingUnread();
    }

    private static void assertRefusedToken(String token) {
        assertRefused(server.tcpPort(), token);
    }

    private static void assertRefused(int tcpPort, String token) {
        try (RawTcp tcp = RawTcp.open(tcpPort)) {
            tcp.send(Envelope.newBuilder().setCid("auth").setConnect(Connect.newBuilder().setToken(token)).build());
            assertErrorThenDisconnect(tcp, "auth", 3, "Missing or invalid token", 1008);
        }
    }

    static void assertErrorThenDisconnect(RawTcp tcp, String cid, int code, String message, int closeCode) {
        Envelope error = tcp.next();
        assertEquals(cid, error.getCid(), error.toString());
        assertEquals(code, error.getError().getCode(), error.toString());
        assertEquals(message, error.getError().getMessage());
        Envelope disconnect = tcp.next();
        assertTrue(disconnect.hasDisconnect(), disconnect.toString());
        assertEquals(closeCode, disconnect.getDisconnect().getCode());
        assertEquals(message, disconnect.getDisconnect().getReason());
        tcp.awaitEnd();
    }
}
