package io.gantry.core.matchmaker;

import com.heroiclabs.nakama.rtapi.Envelope;
import com.heroiclabs.nakama.rtapi.Error;
import com.heroiclabs.nakama.rtapi.MatchmakerAdd;
import com.heroiclabs.nakama.rtapi.MatchmakerMatched;
import com.heroiclabs.nakama.rtapi.MatchmakerTicket;
import com.heroiclabs.nakama.rtapi.UserPresence;
import io.gantry.core.party.PartyMatchmaking;
import io.gantry.query.Query;
import io.gantry.query.QueryParseException;
import io.gantry.core.router.Replies;
import io.gantry.core.router.Router;
import io.gantry.core.router.SessionListener;
import io.gantry.core.session.Session;
import io.gantry.core.session.SessionRegistry;
import io.gantry.matchmaker.MatchmakerAgent;
import io.gantry.matchmaker.MatchmakerSettings;
import io.gantry.matchmaker.Ticket;
import io.gantry.runtime.MatchmakerEntry;
import io.gantry.runtime.MatchmakerMatchedHook;
import io.gantry.runtime.MatchmakerProcessor;
import io.gantry.runtime.Matchmaker;
import io.gantry.runtime.Presence;
import io.gantry.runtime.ServerApi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The matchmaker as clients and server code reach it: the router side of the matchmaking engine
 * ({@code io.gantry.matchmaker}, which knows neither sessions nor the wire protocol). Requests are
 * validated on the router thread (counts, query, properties) and handed to the
 * {@link MatchmakerAgent}, which owns the pool; its answers (the ticket, or why not) and matched groups go straight to the sessions,
 * whose queues are thread-safe.
 *
 * <p>A matched group gets a token for one relayed match ({@code joinMatch({token})} creates it on
 * first join), unless a {@link MatchmakerMatchedHook} returns the id of an authoritative match.
 */
public final class MatchmakerService implements Matchmaker, SessionListener, PartyMatchmaking {

    private static final Logger LOG = LoggerFactory.getLogger(MatchmakerService.class);
    /** What a removal refused by a full removal queue is told. */
    static final String REMOVALS_FULL = "Matchmaker is busy; ticket not removed, retry later.";
    private static final Pattern PROPERTY_KEY = Pattern.compile("[A-Za-z0-9_\\-]+");

    private final SessionRegistry sessions;
    private final MatchmakerSettings settings;
    private final MatchmakerMatchedHook hook;
    private final ServerApi server;
    private final Executor hookExecutor;
    private final Function<String, String> tokenSigner;
    private final MatchmakerAgent agent;
    private final AtomicLong sequence = new AtomicLong();
    private final io.gantry.core.tracker.PresenceTracker tracker;
    /** In a cluster: the node whose pool takes the tickets, or null when it is this one's. */
    private volatile java.util.function.Supplier<String> poolNode = () -> null;

    /**
     * @param tokenSigner turns a relayed match id into the token players join it with
     * @param hookExecutor where the matched hook (user code) runs
     */
    public MatchmakerService(Router router, SessionRegistry sessions, MatchmakerSettings settings,
                             MatchmakerMatchedHook hook, MatchmakerProcessor processor, ServerApi server,
                             Executor hookExecutor, Function<String, String> tokenSigner) {
        this.sessions = sessions;
        this.settings = settings;
        this.hook = hook;
        this.server = server;
        this.hookExecutor = hookExecutor;
        this.tokenSigner = tokenSigner;
        this.agent = new MatchmakerAgent(settings, this::deliver, processor);
        this.tracker = router.tracker();
        this.router = router;
        router.register(Envelope.MessageCase.MATCHMAKER_ADD, this::onAdd)
                .register(Envelope.MessageCase.MATCHMAKER_REMOVE, this::onRemove)
                .addSessionListener(this);
    }

    public void start() {
        agent.start();
    }

    /**
     * In a cluster, one node's pool takes every client's tickets (under a lease in Redis): the
     * supplier names it, or answers null when it is this node's. Before the router starts.
     */
    public void poolNode(java.util.function.Supplier<String> node) {
        this.poolNode = java.util.Objects.requireNonNull(node, "node");
    }

    /** Most requests parked while the pool moves between nodes; more are told to retry. */
    static final int MAX_PARKED = 4096;
    static final String POOL_MOVING = "Matchmaker is moving to another node; retry later.";
    /** Router thread: requests waiting for the pool's node to be known (its holder died). */
    private final java.util.ArrayDeque<Object[]> parked = new java.util.ArrayDeque<>();
    private Router router;

    /**
     * A client's add or removal goes to the node holding the pool, which answers through the bus.
     * While the pool's node is unknown (its holder died and the lease has not moved yet), the
     * request waits here, bounded, for {@link #poolMoved}.
     */
    private boolean forwardedToPool(Session session, Envelope request) {
        if (session.isRemote()) {
            return false; // forwarded here: this node holds the pool
        }
        String node = poolNode.get();
        if (node == null) {
            return false;
        }
        if (node.isEmpty()) {
            if (parked.size() >= MAX_PARKED) {
                session.send(Replies.error(request.getCid(), Error.Code.RUNTIME_EXCEPTION, POOL_MOVING));
            } else {
                parked.add(new Object[] {session, request});
            }
            return true;
        }
        if (!tracker.clusterLink().forward(node, session, request)) {
            session.send(Replies.error(request.getCid(), Error.Code.RUNTIME_EXCEPTION, POOL_MOVING));
        }
        return true;
    }

    /** Router thread: the pool's node is known again; parked requests go on. */
    public void poolMoved() {
        int count = parked.size();
        while (count-- > 0) {
            Object[] entry = parked.poll();
            Session session = (Session) entry[0];
            Envelope request = (Envelope) entry[1];
            if (!session.isClosed()) {
                router.handleForwarded(session, request);
            }
        }
    }

    public void stop() {
        agent.stop();
    }

    // ---- socket requests (router thread) ------------------------------------------------------

    private void onAdd(Session session, Envelope request) {
        if (forwardedToPool(session, request)) {
            return;
        }
        MatchmakerAdd add = request.getMatchmakerAdd();
        String cid = request.getCid();
        Ticket ticket;
        try {
            ticket = ticket(session, "", List.of(new SessionMember(session)), add.getQuery(),
                    add.getMinCount(), add.getMaxCount(), add.hasCountMultiple() ? add.getCountMultiple().getValue() : null,
                    add.getStringPropertiesMap(), add.getNumericPropertiesMap());
        } catch (IllegalArgumentException e) {
            session.send(Replies.badInput(request, e.getMessage()));
            return;
        }
        submit(ticket, reason -> {
            if (reason == null) {
                session.send(Envelope.newBuilder().setCid(cid)
                        .setMatchmakerTicket(MatchmakerTicket.newBuilder().setTicket(ticket.id())).build());
            } else {
                session.send(Replies.badInput(request, reason));
            }
        });
    }

    private void onRemove(Session session, Envelope request) {
        if (forwardedToPool(session, request)) {
            return;
        }
        String ticket = request.getMatchmakerRemove().getTicket();
        String cid = request.getCid();
        if (ticket.isEmpty()) {
            session.send(Replies.badInput(request, "Matchmaker ticket is required."));
            return;
        }
        if (!agent.offer(new MatchmakerAgent.Remove(ticket, session.id(), removed -> session.send(removed
                ? Envelope.newBuilder().setCid(cid).build()
                : Replies.badInput(request, "Matchmaker ticket not found: " + ticket))))) {
            session.send(Replies.error(cid, Error.Code.RUNTIME_EXCEPTION, REMOVALS_FULL));
        }
    }

    @Override
    public void onDisconnect(Session session) {
        agent.offer(new MatchmakerAgent.RemoveSession(session.id()));
    }

    // ---- parties (called by the party service on the router thread) ---------------------------

    /**
     * A party leader adds a ticket for the whole party: every member is matched with it, never
     * split. {@code onResult} gets the ticket id, or throws nothing and receives null with
     * {@code onError} told why.
     */
    @Override
    public void addParty(String partyId, Session leader, List<Session> members, String query, int minCount, int maxCount,
                         Integer countMultiple, Map<String, String> stringProperties, Map<String, Double> numericProperties,
                         Consumer<String> onTicket, Consumer<String> onError) {
        List<Ticket.Member> ticketMembers = new ArrayList<>(members.size());
        for (Session member : members) {
            ticketMembers.add(new SessionMember(member));
        }
        Ticket ticket;
        try {
            ticket = ticket(leader, partyId, ticketMembers, query, minCount, maxCount, countMultiple, stringProperties,
                    numericProperties);
        } catch (IllegalArgumentException e) {
            onError.accept(e.getMessage());
            return;
        }
        submit(ticket, reason -> {
            if (reason == null) {
                onTicket.accept(ticket.id());
            } else {
                onError.accept(reason);
            }
        });
    }

    /** A party leader withdraws a party ticket. */
    @Override
    public void removeParty(String partyId, String ticket, Consumer<Boolean> onResult) {
        if (!agent.offer(new MatchmakerAgent.RemoveParty(partyId, ticket, onResult)) && onResult != null) {
            onResult.accept(false); // the removal queue is full: nothing was removed
        }
    }

    /** The party ended or changed members: its tickets go. */
    @Override
    public void removeAllOfParty(String partyId) {
        agent.offer(new MatchmakerAgent.RemoveParty(partyId, null, null));
    }

    // ---- server code --------------------------------------------------------------------------

    @Override
    public String add(String sessionId, String query, int minCount, int maxCount, int countMultiple,
                      Map<String, String> stringProperties, Map<String, Double> numericProperties) {
        Session session = sessions.get(sessionId)
                .orElseThrow(() -> new IllegalArgumentException("No connected session " + sessionId + "."));
        Ticket ticket = ticket(session, "", List.of(new SessionMember(session)), query, minCount,
                maxCount, countMultiple, stringProperties == null ? Map.of() : stringProperties,
                numericProperties == null ? Map.of() : numericProperties);
        CompletableFuture<String> result = new CompletableFuture<>();
        submit(ticket, reason -> result.complete(reason));
        String reason;
        try {
            reason = result.get(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while adding a matchmaker ticket", e);
        } catch (Exception e) {
            throw new IllegalStateException("the matchmaker did not answer within 5 s", e);
        }
        if (reason != null) {
            throw new IllegalArgumentException(reason);
        }
        return ticket.id();
    }

    @Override
    public boolean remove(String ticket) {
        CompletableFuture<Boolean> result = new CompletableFuture<>();
        if (!agent.offer(new MatchmakerAgent.Remove(ticket, null, result::complete))) {
            throw new IllegalStateException(REMOVALS_FULL);
        }
        try {
            return result.get(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (Exception e) {
            throw new IllegalStateException("the matchmaker did not answer within 5 s", e);
        }
    }

    /** Ticket adds and removals waiting for the matchmaker's thread (for metrics). Any thread. */
    public int queuedCommands() {
        return agent.queuedCommands();
    }

    @Override
    public int activeTickets() {
        return agent.activeTickets();
    }

    /** Time the last interval took, in nanoseconds (for metrics). */
    public long lastIntervalNanos() {
        return agent.lastIntervalNanos();
    }

    /** Tickets matched since start (for metrics). */
    public long matchedTotal() {
        return agent.matchedTotal();
    }

    /** Intervals processed since start (for metrics). */
    public long intervals() {
        return agent.intervals();
    }

    /** Tickets matched in the last interval (for metrics). */
    public int lastIntervalMatched() {
        return agent.lastIntervalMatched();
    }

    // ---- internals -----------------------------------------------------------------------------

    private void submit(Ticket ticket, Consumer<String> onResult) {
        if (!agent.offer(new MatchmakerAgent.Add(ticket, settings.maxTickets(), onResult))) {
            onResult.accept("The matchmaker is busy; retry later.");
        }
    }

    /** Validates a request and builds its ticket; throws with a message for the client. */
    Ticket ticket(Session owner, String partyId, List<Ticket.Member> members, String query, int minCount, int maxCount,
                  Integer countMultiple, Map<String, String> stringProperties, Map<String, Double> numericProperties) {
        if (minCount < 2) {
            throw new IllegalArgumentException("Invalid minimum count: must be at least 2, got " + minCount + ".");
        }
        if (maxCount < minCount) {
            throw new IllegalArgumentException("Invalid maximum count: must be at least the minimum count " + minCount
                    + ", got " + maxCount + ".");
        }
        if (maxCount > MatchmakerSettings.MAX_COUNT) {
            throw new IllegalArgumentException("Invalid maximum count: at most " + MatchmakerSettings.MAX_COUNT + ".");
        }
        int multiple = countMultiple == null ? 1 : countMultiple;
        if (multiple < 1 || minCount % multiple != 0 || maxCount % multiple != 0) {
            throw new IllegalArgumentException("Invalid count multiple " + multiple
                    + ": must be at least 1 and divide both the minimum and maximum counts.");
        }
        if (members.size() > maxCount) {
            throw new IllegalArgumentException("Invalid maximum count: the party of " + members.size()
                    + " is larger than " + maxCount + ".");
        }
        String text = query == null ? "" : query;
        if (text.length() > MatchmakerSettings.MAX_QUERY_LENGTH) {
            throw new IllegalArgumentException("Matchmaker query is over " + MatchmakerSettings.MAX_QUERY_LENGTH + " characters.");
        }
        Query parsed;
        try {
            parsed = Query.parse(text);
        } catch (QueryParseException e) {
            throw new IllegalArgumentException("Invalid matchmaker query: " + e.getMessage());
        }
        checkProperties("string", stringProperties.keySet());
        for (Map.Entry<String, String> property : stringProperties.entrySet()) {
            if (property.getValue().length() > MatchmakerSettings.MAX_PROPERTY_VALUE_LENGTH) {
                throw new IllegalArgumentException("String property '" + property.getKey() + "' is over "
                        + MatchmakerSettings.MAX_PROPERTY_VALUE_LENGTH + " characters.");
            }
        }
        checkProperties("numeric", numericProperties.keySet());
        for (Map.Entry<String, Double> property : numericProperties.entrySet()) {
            if (!Double.isFinite(property.getValue())) {
                throw new IllegalArgumentException("Numeric property '" + property.getKey() + "' must be a finite number.");
            }
        }
        return new Ticket(UUID.randomUUID().toString(), owner.id(), partyId, members, text, parsed, minCount, maxCount,
                multiple, stringProperties, numericProperties, System.currentTimeMillis(), sequence.incrementAndGet());
    }

    /**
     * A ticket's user over their session: the engine sees the socket's id, whether it is gone and
     * the runtime presence; delivery here uses the session and its wire presence.
     */
    record SessionMember(Session session, UserPresence userPresence, Presence presence) implements Ticket.Member {

        SessionMember(Session session) {
            this(session, session.presence(), new Presence(session.userId(), session.id(), session.username(), ""));
        }

        @Override
        public String sessionId() {
            return session.id();
        }

        @Override
        public boolean isClosed() {
            return session.isClosed();
        }
    }

    /** Every ticket is built here, so every member the engine hands back is one of ours. */
    private static SessionMember sessionMember(Ticket.Member member) {
        return (SessionMember) member;
    }

    private static void checkProperties(String kind, Iterable<String> keys) {
        int count = 0;
        for (String key : keys) {
            if (++count > MatchmakerSettings.MAX_PROPERTIES) {
                throw new IllegalArgumentException("Too many " + kind + " properties: at most " + MatchmakerSettings.MAX_PROPERTIES + ".");
            }
            if (key.isEmpty() || key.length() > MatchmakerSettings.MAX_PROPERTY_KEY_LENGTH || !PROPERTY_KEY.matcher(key).matches()) {
                throw new IllegalArgumentException("Invalid " + kind + " property name '" + key + "': 1-"
                        + MatchmakerSettings.MAX_PROPERTY_KEY_LENGTH + " letters, digits, '_' or '-'.");
            }
        }
    }

    /** Matchmaker thread: a group formed. */
    private void deliver(List<Ticket> group) {
        if (hook == null) {
            send(group, null, tokenSigner.apply(UUID.randomUUID() + "."));
            return;
        }
        List<MatchmakerEntry> entries = new ArrayList<>();
        for (Ticket ticket : group) {
            for (Ticket.Member member : ticket.members()) {
                UserPresence presence = sessionMember(member).userPresence();
                entries.add(new MatchmakerEntry(new Presence(presence.getUserId(), presence.getSessionId(),
                        presence.getUsername(), server.node()), ticket.id(), ticket.partyId(),
                        ticket.stringProperties(), ticket.numericProperties()));
            }
        }
        try {
            hookExecutor.execute(() -> {
                String matchId = null;
                try {
                    matchId = hook.matched(server, List.copyOf(entries));
                } catch (Exception e) {
                    LOG.error("matchmaker matched hook failed; the group gets a relayed match token", e);
                }
                if (matchId == null || matchId.isEmpty()) {
                    send(group, null, tokenSigner.apply(UUID.randomUUID() + "."));
                } else {
                    send(group, matchId, null);
                }
            });
        } catch (RejectedExecutionException e) {
            LOG.warn("hook executor full; the group gets a relayed match token");
            send(group, null, tokenSigner.apply(UUID.randomUUID() + "."));
        }
    }

    private static void send(List<Ticket> group, String matchId, String token) {
        List<MatchmakerMatched.MatchmakerUser> users = new ArrayList<>();
        for (Ticket ticket : group) {
            for (Ticket.Member member : ticket.members()) {
                users.add(MatchmakerMatched.MatchmakerUser.newBuilder()
                        .setPresence(sessionMember(member).userPresence())
                        .setPartyId(ticket.partyId())
                        .putAllStringProperties(ticket.stringProperties())
                        .putAllNumericProperties(ticket.numericProperties())
                        .build());
            }
        }
        int index = 0;
        for (Ticket ticket : group) {
            for (Ticket.Member member : ticket.members()) {
                MatchmakerMatched.Builder matched = MatchmakerMatched.newBuilder()
                        .setTicket(ticket.id())
                        .addAllUsers(users)
                        .setSelf(users.get(index++));
                if (matchId != null) {
                    matched.setMatchId(matchId);
                } else {
                    matched.setToken(token);
                }
                sessionMember(member).session().send(Envelope.newBuilder().setMatchmakerMatched(matched).build());
            }
        }
    }
}
