package io.gantry.core;

import com.heroiclabs.nakama.rtapi.Envelope;
import io.gantry.core.router.Router;
import io.gantry.core.session.Outbound;
import io.gantry.core.session.Session;
import io.gantry.proto.WireFormat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A router driven on the test thread ({@link Router#drivenByCaller}) and sessions whose outbound
 * messages are recorded: a service under test registers on {@link #router}, the test calls
 * {@link #start()}, and every request a {@link Client} sends is handled before {@code send}
 * returns, exactly as the router thread would handle it.
 */
public final class RouterHarness {

    public final Router router = Router.drivenByCaller(1024);
    private int cids;

    /** Makes the test thread the router thread; after the services are constructed. */
    public RouterHarness start() {
        router.start();
        return this;
    }

    /** A connected user: its connect is published and handled. */
    public Client connect(String username) {
        return connect(username, UUID.randomUUID().toString());
    }

    /** A connected session of a given user (a second device of one user, say). */
    public Client connect(String username, String userId) {
        Client client = new Client(username, userId);
        router.publishConnect(client.session);
        router.drain();
        return client;
    }

    /** Handles everything published so far (tasks other threads handed the router, say). */
    public int drain() {
        return router.drain();
    }

    /** A user's session and what it was sent. */
    public final class Client {
        public final Session session;
        private final TestSessions.Recording connection = new TestSessions.Recording();
        private int read;

        Client(String username, String userId) {
            session = new Session(UUID.randomUUID().toString(), userId, username, Map.of(), WireFormat.JSON,
                    "en", false, Long.MAX_VALUE, 1024, connection);
        }

        public String userId() {
            return session.userId();
        }

        /** Sends a request with a fresh cid, as an event loop publishes it, and handles it; returns the cid. */
        public String send(Envelope.Builder request) {
            String cid = Integer.toString(++cids);
            router.publishRequest(session, request.setCid(cid).build());
            router.drain();
            return cid;
        }

        /** Sends a request and returns the one message answering its cid, which must have arrived. */
        public Envelope request(Envelope.Builder request) {
            String cid = send(request);
            return reply(cid);
        }

        /** The message answering this cid among those not yet taken; fails if there is none. */
        public Envelope reply(String cid) {
            for (Envelope e : all().subList(read, all().size())) {
                if (cid.equals(e.getCid())) {
                    return e;
                }
            }
            return fail(session.username() + " has no answer to cid " + cid + "; has " + unread());
        }

        /** Messages received since the last take, and marks them taken. */
        public List<Envelope> take() {
            List<Envelope> all = all();
            List<Envelope> unread = new ArrayList<>(all.subList(read, all.size()));
            read = all.size();
            return unread;
        }

        /** Messages received since the last take, without taking them. */
        public List<Envelope> unread() {
            List<Envelope> all = all();
            return new ArrayList<>(all.subList(read, all.size()));
        }

        /** The only unread message, taken; fails unless exactly one matches. */
        public Envelope takeOnly(Predicate<Envelope> match) {
            List<Envelope> matching = take().stream().filter(match).toList();
            assertEquals(1, matching.size(), session.username() + " received " + matching);
            return matching.get(0);
        }

        /**
         * Runs {@code reaction} for each message this client receives from now on, at the moment
         * it is queued (inside the router's handler that sent it): a client reacting at once on
         * its own event loop.
         */
        public void onReceive(java.util.function.Consumer<Envelope> reaction) {
            connection.onReceive = outbound -> reaction.accept(outbound.envelope());
        }

        /** The session closed: the router learns it as from a socket's close. */
        public void disconnect() {
            session.markClosed();
            router.publishDisconnect(session);
            router.drain();
        }

        private List<Envelope> all() {
            List<Envelope> envelopes = new ArrayList<>();
            for (Outbound outbound : connection.received) {
                envelopes.add(outbound.envelope());
            }
            return envelopes;
        }
    }
}
