package io.gantry.core.match;

import com.heroiclabs.nakama.rtapi.Envelope;
import com.heroiclabs.nakama.rtapi.MatchJoin;
import io.gantry.core.router.Router;
import io.gantry.core.runtime.RuntimeRegistry;
import io.gantry.core.session.Connection;
import io.gantry.core.session.Session;
import io.gantry.proto.WireFormat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * A router with the match service, a match registry on a given number of lanes, and in-memory
 * sessions whose outbound messages land in a queue: the whole authoritative path without
 * sockets.
 */
final class MatchHarness implements AutoCloseable {

    static final Duration TIMEOUT = Duration.ofSeconds(5);

    final Router router = new Router(1024);
    final MatchListing listing = new MatchListing();
    final MatchService service;
    final MatchWorkers workers;
    final MatchRegistry registry;
    private final AtomicInteger cids = new AtomicInteger();

    MatchHarness(int lanes, long stuckCallNanos, MatchSettings settings, Consumer<RuntimeRegistry> registrations) {
        RuntimeRegistry runtime = new RuntimeRegistry();
        registrations.accept(runtime);
        runtime.seal();
        service = new MatchService(router, listing, "node1", null);
        router.start();
        workers = new MatchWorkers(lanes, stuckCallNanos, null);
        registry = new MatchRegistry(runtime, service, router, listing, workers, settings, null);
    }

    MatchHarness(int lanes, Consumer<RuntimeRegistry> registrations) {
        this(lanes, MatchWorkers.STUCK_CALL_NANOS, MatchSettings.DEFAULTS, registrations);
    }

    Client client(String name) {
        return new Client(name);
    }

    String cid() {
        return Integer.toString(cids.incrementAndGet());
    }

    @Override
    public void close() {
        registry.shutdown(0);
        workers.close();
        router.close();
    }

    /** A connected user whose messages are collected. */
    final class Client implements Connection {
        final Session session;
        private final LinkedBlockingQueue<Envelope> received = new LinkedBlockingQueue<>();

        Client(String name) {
            session = new Session(UUID.randomUUID().toString(), UUID.randomUUID().toString(), name, Map.of(),
                    WireFormat.JSON, "en", false, Long.MAX_VALUE, 1024, this);
            router.publishConnect(session);
        }

        @Override
        public void requestFlush(Session s) {
            do {
                io.gantry.core.session.Outbound outbound;
                while ((outbound = s.poll()) != null) {
                    received.add(outbound.envelope());
                }
            } while (s.flushDone());
        }

        @Override
        public void close(int closeCode, String reason) {
            disconnect();
        }

        void send(Envelope envelope) {
            router.publishRequestWaiting(session, envelope);
        }

        /** Sends match_join and returns the reply (match or error). */
        Envelope join(String matchId, Map<String, String> metadata) {
            String cid = cid();
            send(Envelope.newBuilder().setCid(cid).setMatchJoin(MatchJoin.newBuilder()
                    .setMatchId(matchId).putAllMetadata(metadata)).build());
            return await(e -> cid.equals(e.getCid()));
        }

        void disconnect() {
            session.markClosed();
            router.publishDisconnect(session);
        }

        Envelope await(Predicate<Envelope> match) {
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            List<Envelope> skipped = new ArrayList<>();
            while (System.nanoTime() < deadline) {
                try {
                    Envelope envelope = received.poll(Math.max(1, (deadline - System.nanoTime()) / 1_000_000), TimeUnit.MILLISECONDS);
                    if (envelope == null) {
                        break;
                    }
                    if (match.test(envelope)) {
                        return envelope;
                    }
                    skipped.add(envelope);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new AssertionError(e);
                }
            }
            throw new AssertionError("no matching message for " + session.username() + " within " + TIMEOUT + "; skipped " + skipped);
        }

        /** Everything received so far, without waiting. */
        List<Envelope> drain() {
            List<Envelope> all = new ArrayList<>();
            received.drainTo(all);
            return all;
        }
    }
}
