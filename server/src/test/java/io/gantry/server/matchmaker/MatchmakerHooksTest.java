package io.gantry.server.matchmaker;

import com.heroiclabs.nakama.rtapi.Envelope;
import com.heroiclabs.nakama.rtapi.MatchmakerMatched;
import io.gantry.runtime.MatchContext;
import io.gantry.runtime.MatchDispatcher;
import io.gantry.runtime.MatchHandler;
import io.gantry.runtime.MatchInit;
import io.gantry.runtime.MatchMessage;
import io.gantry.runtime.Presence;
import io.gantry.server.config.ConfigKeys;
import io.gantry.server.testing.SocketScenario;
import io.gantry.server.testing.TestServer;
import io.gantry.server.testing.SocketClient;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static io.gantry.server.matchmaker.MatchmakerTest.add;
import static io.gantry.server.matchmaker.MatchmakerTest.matched;
import static io.gantry.server.matchmaker.MatchmakerTest.request;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Server code shaping the matchmaker: the matched hook, a custom processor, adds on behalf of users. */
@SocketScenario
class MatchmakerHooksTest {

    /** A do-nothing authoritative match for the hook to create. */
    public static final class Lobby implements MatchHandler<String> {
        @Override
        public MatchInit<String> init(MatchContext ctx, Map<String, Object> params) {
            return new MatchInit<>("", 1, "{\"kind\":\"lobby\"}");
        }

        @Override
        public String join(MatchContext ctx, MatchDispatcher dispatcher, long tick, String state, List<Presence> presences) {
            return state;
        }

        @Override
        public String leave(MatchContext ctx, MatchDispatcher dispatcher, long tick, String state, List<Presence> presences) {
            return state;
        }

        @Override
        public String loop(MatchContext ctx, MatchDispatcher dispatcher, long tick, String state, List<MatchMessage> messages) {
            return state;
        }

        @Override
        public String terminate(MatchContext ctx, MatchDispatcher dispatcher, long tick, String state, int graceSeconds) {
            return null;
        }
    }

    @Test
    void theMatchedHookSendsPlayersToAnAuthoritativeMatch() throws Exception {
        List<Integer> groupSizes = new CopyOnWriteArrayList<>();
        try (TestServer server = TestServer.start(c -> c.with(ConfigKeys.MATCHMAKER_INTERVAL_SEC, 1L), r -> r
                .match("lobby", Lobby::new)
                .matchmakerMatched((api, entries) -> {
                    groupSizes.add(entries.size());
                    return api.matches().create("lobby", Map.of());
                }))) {
            List<SocketClient> sockets = new ArrayList<>();
            try {
                for (int i = 0; i < 2; i++) {
                    SocketClient socket = server.connect(server.newUser());
                    sockets.add(socket);
                    add(socket, request("*", 2, 2));
                }
                MatchmakerMatched first = matched(sockets.get(0));
                MatchmakerMatched second = matched(sockets.get(1));
                assertEquals(MatchmakerMatched.IdCase.MATCH_ID, first.getIdCase());
                assertEquals(first.getMatchId(), second.getMatchId());
                assertTrue(first.getMatchId().endsWith("." + server.server().config().get(ConfigKeys.NAME)));
                assertEquals(List.of(2), groupSizes);
            } finally {
                sockets.forEach(SocketClient::close);
            }
        }
    }

    @Test
    void aCustomProcessorReplacesTheGrouping() throws Exception {
        // Groups tickets in threes by arrival, whatever their queries say.
        try (TestServer server = TestServer.start(c -> c.with(ConfigKeys.MATCHMAKER_INTERVAL_SEC, 1L), r -> r
                .matchmakerProcessor(tickets -> {
                    List<List<String>> groups = new ArrayList<>();
                    for (int i = 0; i + 3 <= tickets.size(); i += 3) {
                        groups.add(List.of(tickets.get(i).ticket(), tickets.get(i + 1).ticket(), tickets.get(i + 2).ticket()));
                    }
                    return groups;
                }))) {
            List<SocketClient> sockets = new ArrayList<>();
            try {
                for (int i = 0; i < 3; i++) {
                    SocketClient socket = server.connect(server.newUser());
                    sockets.add(socket);
                    add(socket, request("+properties.never:matches", 2, 2));
                }
                for (SocketClient socket : sockets) {
                    assertEquals(3, matched(socket).getUsersCount());
                }
            } finally {
                sockets.forEach(SocketClient::close);
            }
        }
    }

    @Test
    void serverCodeAddsTicketsOnBehalfOfUsers() throws Exception {
        try (TestServer server = TestServer.start(c -> c.with(ConfigKeys.MATCHMAKER_INTERVAL_SEC, 1L), r -> r
                .rpc("find_match", (ctx, payload) -> ctx.server().matchmaker()
                        .add(ctx.sessionId(), "*", 2, 2, 1, Map.of("widened", "true"), Map.of())))) {
            List<SocketClient> sockets = new ArrayList<>();
            try {
                for (int i = 0; i < 2; i++) {
                    SocketClient socket = server.connect(server.newUser());
                    sockets.add(socket);
                    String cid = socket.nextCid();
                    socket.send(Envelope.newBuilder().setCid(cid).setRpc(com.heroiclabs.nakama.api.Rpc.newBuilder()
                            .setId("find_match")).build());
                    Envelope reply = socket.awaitEnvelope(e -> e.getCid().equals(cid));
                    assertEquals(36, reply.getRpc().getPayload().length(), reply::toString);
                }
                for (SocketClient socket : sockets) {
                    MatchmakerMatched matched = matched(socket);
                    assertEquals("true", matched.getSelf().getStringPropertiesOrThrow("widened"));
                }
            } finally {
                sockets.forEach(SocketClient::close);
            }
        }
    }
}
