package io.gantry.server;

import com.heroiclabs.nakama.rtapi.Envelope;
import com.heroiclabs.nakama.rtapi.MatchmakerAdd;
import io.gantry.server.testing.SocketScenario;
import io.gantry.server.testing.TestServer;
import io.gantry.server.testing.SocketClient;
import org.junit.jupiter.api.Test;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** GET /metrics exposes the server's gauges and counters in the Prometheus text format. */
@SocketScenario
class MetricsEndpointTest {

    private static double value(String scrape, String name) {
        Matcher m = Pattern.compile("(?m)^" + name + "(?:\\{[^}]*})? ([0-9.eE+-]+)$").matcher(scrape);
        assertTrue(m.find(), name + " missing from\n" + scrape);
        return Double.parseDouble(m.group(1));
    }

    @Test
    void metricsFollowWhatTheServerDoes() throws Exception {
        try (TestServer server = TestServer.start()) {
            try (SocketClient socket = server.connect(server.newUser())) {
                String cid = socket.nextCid();
                socket.send(Envelope.newBuilder().setCid(cid).setMatchmakerAdd(MatchmakerAdd.newBuilder()
                        .setQuery("*").setMinCount(2).setMaxCount(2)).build());
                assertTrue(socket.awaitEnvelope(e -> e.getCid().equals(cid)).hasMatchmakerTicket());
                HttpResponse<String> response = server.send(HttpRequest.newBuilder(server.uri("/metrics")).GET());
                assertEquals(200, response.statusCode());
                assertTrue(response.headers().firstValue("content-type").orElse("").startsWith("text/plain"));
                String scrape = response.body();
                assertEquals(1.0, value(scrape, "gantry_sessions"));
                assertEquals(1.0, value(scrape, "gantry_matchmaker_active_tickets"));
                assertTrue(value(scrape, "gantry_router_events_total") >= 2);
                value(scrape, "gantry_matchmaker_last_interval_seconds");
                value(scrape, "jvm_memory_used_bytes");
                // queue depths (the soak script samples them): numbers, not NaN
                assertTrue(value(scrape, "gantry_router_ring_remaining") > 0);
                assertEquals(0.0, value(scrape, "gantry_matchmaker_queue"));
                for (String queue : new String[] {"api", "store_readers", "rpc"}) {
                    assertTrue(value(scrape, "gantry_queue_depth\\{queue=\"" + queue + "\"}") >= 0, queue);
                }
            }
        }
    }
}
