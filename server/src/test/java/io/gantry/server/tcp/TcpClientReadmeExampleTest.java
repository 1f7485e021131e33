package io.gantry.server.tcp;

import com.heroiclabs.nakama.rtapi.ChannelJoin;
import com.heroiclabs.nakama.rtapi.ChannelMessageSend;
import com.heroiclabs.nakama.rtapi.Envelope;
import io.gantry.client.RealtimeErrorException;
import io.gantry.client.TcpClient;
import io.gantry.client.TcpSocket;
import io.gantry.server.testing.TestServer;
import io.gantry.server.testing.TestUser;
import org.junit.jupiter.api.Test;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The README's Java client example, as written there (only the port and the token come from the
 * test server), plus what its prose promises: an Error answer fails {@code request}, events reach
 * the listener, and a close ends the socket.
 */
class TcpClientReadmeExampleTest {

    @Test
    void theReadmeExampleRuns() throws Exception {
        try (TestServer server = TestServer.start()) {
            TestUser user = server.newUser();
            String sessionToken = user.token();
            int tcpPort = server.tcpPort();
            LinkedBlockingQueue<Envelope> events = new LinkedBlockingQueue<>();

            // --- as in the README (with events collected instead of printed) ---
            try (TcpClient client = TcpClient.create()) {
                TcpSocket socket = client.connect("127.0.0.1", tcpPort, sessionToken,   // from an authenticate call
                        (s, envelope) -> events.add(envelope)).get(5, TimeUnit.SECONDS);
                Envelope joined = socket.request(Envelope.newBuilder()
                        .setChannelJoin(ChannelJoin.newBuilder().setTarget("lobby").setType(1))).get(5, TimeUnit.SECONDS);
                Envelope ack = socket.request(Envelope.newBuilder().setChannelMessageSend(ChannelMessageSend.newBuilder()
                        .setChannelId(joined.getChannel().getId()).setContent("{\"text\":\"hello\"}"))).get(5, TimeUnit.SECONDS);
                // --- end of the README's code ---

                assertEquals(user.userId(), socket.userId());
                assertEquals(socket.sessionId(), joined.getChannel().getSelf().getSessionId());
                assertTrue(ack.hasChannelMessageAck(), ack.toString());
                // the events: its own join, then its own message
                Envelope presence = events.poll(5, TimeUnit.SECONDS);
                assertNotNull(presence);
                assertTrue(presence.hasChannelPresenceEvent(), presence.toString());
                Envelope message = events.poll(5, TimeUnit.SECONDS);
                assertNotNull(message);
                assertEquals("{\"text\":\"hello\"}", message.getChannelMessage().getContent());

                ExecutionException refused = assertThrows(ExecutionException.class, () -> socket.request(
                        Envelope.newBuilder().setChannelJoin(ChannelJoin.newBuilder().setTarget("").setType(1)))
                        .get(5, TimeUnit.SECONDS));
                RealtimeErrorException error = assertInstanceOf(RealtimeErrorException.class, refused.getCause());
                assertEquals(3, error.error().getCode());

                assertTrue(socket.ping().get(5, TimeUnit.SECONDS).hasPong());
                socket.close();
                assertEquals(TcpSocket.CONNECTION_LOST, socket.closed().get(5, TimeUnit.SECONDS).getCode());
            }
        }
    }
}
