package io.gantry.bench.load;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The generator end to end against the in-process {@link SelfTestServer}: counts and the summary
 * files, never timings.
 */
@Timeout(60)
class SelfTestServerRunTest {
    private static SelfTestServer server;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() throws Exception {
        server = SelfTestServer.start("127.0.0.1", 0, 1);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private JsonObject run(String scenario, String... flags) throws Exception {
        Path json = dir.resolve(scenario + ".json");
        List<String> args = new ArrayList<>(List.of(scenario, "--port", Integer.toString(server.port()),
                "--warmup", "0", "--drain", "1", "--quiet", "--json", json.toString()));
        args.addAll(List.of(flags));
        int code = new CommandLine(new GantryBench()).execute(args.toArray(String[]::new));
        assertEquals(0, code, scenario + " exit status");
        assertTrue(Files.exists(json), "summary JSON written");
        return JsonParser.parseString(Files.readString(json)).getAsJsonObject();
    }

    /** As {@link #run}, over the self-test server's TCP transport. */
    private JsonObject runTcp(String scenario, String... flags) throws Exception {
        List<String> args = new ArrayList<>(List.of("--transport", "tcp", "--tcp-port", Integer.toString(server.tcpPort())));
        args.addAll(List.of(flags));
        JsonObject s = run(scenario, args.toArray(String[]::new));
        assertEquals("tcp", s.get("transport").getAsString());
        assertEquals("protobuf", s.get("format").getAsString(), "tcp implies protobuf");
        assertEquals("127.0.0.1:" + server.tcpPort(), s.get("socket").getAsString());
        return s;
    }

    @Test
    void matchRelayDeliversEverySendToTheOtherPlayers() throws Exception {
        Path plot = dir.resolve("plot.html");
        JsonObject s = run("match-relay", "--matches", "4", "--players", "3", "--rate", "20", "--duration", "2",
                "--plot", plot.toString());
        long sent = s.get("sent").getAsLong();
        assertTrue(sent > 0, "sent something");
        assertTrue(sent <= 12 * 20 * 2 + 12, "no more than the rate allows: " + sent);
        assertEquals(sent * 2, s.get("expected").getAsLong(), "each send goes to the 2 other players");
        assertEquals(s.get("expected").getAsLong(), s.get("delivered").getAsLong());
        assertEquals(0, s.get("lost").getAsLong());
        assertEquals(4, s.get("matches_set_up").getAsLong());
        assertTrue(s.getAsJsonObject("latency_ms").get("count").getAsLong() >= s.get("delivered").getAsLong(),
                "a latency per delivery (more when corrected for coordinated omission)");
        assertEquals(0, s.getAsJsonObject("errors").size(), s.getAsJsonObject("errors").toString());
        assertTrue(s.getAsJsonArray("timeline").size() >= 1);
        assertEquals("ws", s.get("transport").getAsString());
        assertEquals("json", s.get("format").getAsString());
        assertTrue(List.of("epoll", "nio").contains(s.getAsJsonObject("generator").get("io").getAsString()));
        String html = Files.readString(plot);
        assertTrue(html.contains("<svg") && html.contains("p99") && !html.contains("<script"));
    }

    @Test
    void chatFanoutOverProtobufReachesEveryMemberSenderIncluded() throws Exception {
        JsonObject s = run("chat-fanout", "--format", "protobuf", "--users", "6", "--senders", "2", "--rate", "10",
                "--duration", "1");
        long sent = s.get("sent").getAsLong();
        assertTrue(sent > 0);
        assertEquals(sent * 6, s.get("expected").getAsLong());
        assertEquals(sent * 6, s.get("delivered").getAsLong());
        assertEquals(0, s.getAsJsonObject("errors").size(), s.getAsJsonObject("errors").toString());
    }

    @Test
    void chatFanoutInAGroupChannelCreatesAndJoinsTheGroupFirst() throws Exception {
        JsonObject s = run("chat-fanout", "--channel", "group", "--users", "6", "--senders", "2", "--rate", "10",
                "--duration", "1");
        long sent = s.get("sent").getAsLong();
        assertTrue(sent > 0);
        assertEquals(sent * 6, s.get("delivered").getAsLong());
        assertEquals(0, s.getAsJsonObject("errors").size(), s.getAsJsonObject("errors").toString());
        assertEquals("group", s.getAsJsonObject("parameters").get("channel").getAsString());
        String group = s.getAsJsonObject("parameters").get("group_id").getAsString();
        assertTrue(s.getAsJsonObject("parameters").get("room").getAsString().endsWith(group), "the channel is the group's");
    }

    @Test
    void chatFanoutWithTheSelfTargetRunsAgainstItsOwnInProcessServer() throws Exception {
        JsonObject s = run("chat-fanout", "--target", "self", "--channel", "group", "--users", "4", "--senders", "1",
                "--rate", "10", "--duration", "1");
        assertEquals(s.get("sent").getAsLong() * 4, s.get("delivered").getAsLong());
        assertTrue(s.get("sent").getAsLong() > 0);
        assertEquals("self", s.getAsJsonObject("parameters").get("target").getAsString());
        assertTrue(s.get("shape").getAsString().endsWith("against the in-process server"), s.get("shape").getAsString());
        assertTrue(!s.get("socket").getAsString().endsWith(":" + server.port()), "not the test's shared server");
    }

    @Test
    void statusFanoutReachesEveryFollower() throws Exception {
        JsonObject s = run("status-fanout", "--followers", "5", "--users", "3", "--rate", "5", "--duration", "1");
        long sent = s.get("sent").getAsLong();
        assertTrue(sent > 0);
        assertEquals(5, s.get("following").getAsLong());
        assertEquals(sent * 5, s.get("delivered").getAsLong());
        assertEquals(0, s.get("lost").getAsLong());
    }

    @Test
    void connectStormOpensHoldsAndPings() throws Exception {
        JsonObject s = run("connect-storm", "--sockets", "40", "--hold", "1", "--ping-interval", "0.5");
        JsonObject c = s.getAsJsonObject("connect");
        assertEquals(40, c.get("connected").getAsLong());
        assertEquals(0, c.get("failed").getAsLong());
        assertEquals(40, c.get("open_at_end").getAsLong());
        assertEquals(s.get("sent").getAsLong(), s.get("delivered").getAsLong(), "every ping got its pong");
    }

    @Test
    void matchmakerPairsEveryone() throws Exception {
        JsonObject s = run("matchmaker", "--users", "6", "--duration", "10");
        assertEquals(6, s.get("tickets").getAsLong());
        assertEquals(6, s.get("matched").getAsLong());
    }

    @ParameterizedTest
    @ValueSource(strings = {"auto", "nio"})
    void matchRelayOverTcpDeliversEverySendToTheOtherPlayers(String io) throws Exception {
        JsonObject s = runTcp("match-relay", "--io", io, "--matches", "4", "--players", "3", "--rate", "20", "--duration", "2");
        long sent = s.get("sent").getAsLong();
        assertTrue(sent > 0, "sent something");
        assertEquals(sent * 2, s.get("expected").getAsLong(), "each send goes to the 2 other players");
        assertEquals(s.get("expected").getAsLong(), s.get("delivered").getAsLong());
        assertEquals(0, s.get("lost").getAsLong());
        assertEquals(4, s.get("matches_set_up").getAsLong());
        assertEquals(0, s.getAsJsonObject("errors").size(), s.getAsJsonObject("errors").toString());
        if (io.equals("nio")) {
            assertEquals("nio", s.getAsJsonObject("generator").get("io").getAsString());
        }
    }

    @Test
    void chatFanoutOverTcpReachesEveryMemberAndAStalledReaderJoins() throws Exception {
        JsonObject s = runTcp("chat-fanout", "--users", "6", "--senders", "2", "--rate", "10", "--duration", "1",
                "--stalled-readers", "1");
        long sent = s.get("sent").getAsLong();
        assertTrue(sent > 0);
        assertEquals(sent * 6, s.get("expected").getAsLong());
        assertEquals(sent * 6, s.get("delivered").getAsLong());
        assertEquals(1, s.get("stalled_readers_open").getAsLong(), "the stalled TCP reader got 'connected' and joined");
        assertEquals(0, s.getAsJsonObject("errors").size(), s.getAsJsonObject("errors").toString());
    }

    @Test
    void statusFanoutOverTcpReachesEveryFollower() throws Exception {
        JsonObject s = runTcp("status-fanout", "--followers", "5", "--users", "3", "--rate", "5", "--duration", "1");
        long sent = s.get("sent").getAsLong();
        assertTrue(sent > 0);
        assertEquals(5, s.get("following").getAsLong());
        assertEquals(sent * 5, s.get("delivered").getAsLong(), "users appear online through connect.status");
        assertEquals(0, s.get("lost").getAsLong());
    }

    @Test
    void connectStormOverTcpOpensHoldsAndPings() throws Exception {
        JsonObject s = runTcp("connect-storm", "--sockets", "40", "--hold", "1", "--ping-interval", "0.5");
        JsonObject c = s.getAsJsonObject("connect");
        assertEquals(40, c.get("connected").getAsLong());
        assertEquals(0, c.get("failed").getAsLong());
        assertEquals(40, c.get("open_at_end").getAsLong());
        assertEquals(40, c.getAsJsonObject("handshake_latency_ms").get("count").getAsLong(), "a latency per handshake");
        assertEquals(s.get("sent").getAsLong(), s.get("delivered").getAsLong(), "every ping got its pong");
    }

    @Test
    void matchmakerOverTcpPairsEveryone() throws Exception {
        JsonObject s = runTcp("matchmaker", "--users", "6", "--duration", "10");
        assertEquals(6, s.get("tickets").getAsLong());
        assertEquals(6, s.get("matched").getAsLong());
    }

    @Test
    void nothingListeningOnTheTcpPortStopsTheRunCleanly() {
        // REST answers (users authenticate), but no TCP transport listens on port 1
        int code = new CommandLine(new GantryBench()).execute("connect-storm", "--transport", "tcp",
                "--tcp-port", "1", "--port", Integer.toString(server.port()), "--quiet", "--sockets", "3",
                "--setup-timeout", "5");
        assertEquals(3, code, "nothing listens on port 1: no socket opens, the run cannot start");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "--transport|tcp|--format|json",
            "--transport|udp|--format|protobuf",
            "--io|kqueue|--format|json",
            "--transport|tcp|--tcp-port|0"})
    void badTransportFlagsAreRefusedBeforeAnythingConnects(String f1, String v1, String f2, String v2) {
        int code = new CommandLine(new GantryBench()).execute("match-relay", "--port", Integer.toString(server.port()),
                "--quiet", f1, v1, f2, v2);
        assertEquals(2, code, "bad flags: exit status 2");
    }

    @Test
    void aServerThatRefusesTheScenarioStopsTheRunCleanly() {
        // the self-test server answers nothing for an unknown port: nothing can connect
        int code = new CommandLine(new GantryBench()).execute("match-relay", "--port", "1", "--quiet",
                "--matches", "1", "--setup-timeout", "5");
        assertEquals(3, code);
    }
}
