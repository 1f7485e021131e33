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
    private final Router router;

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
        this.router = router;
        router.register(Envelope.MessageCase.MATCHMAKER_ADD, this::onAdd)
                .register(Envelope.MessageCase.MATCHMAKER_REMOVE, this::onRemove)
                .addSessionListener(this);
    }

    public void start() {
        agent.start();
    }

    public void stop() {
        agent.stop();
    }

    // ---- the cluster's one pool (docs/CLUSTER.md, "The matchmaker") -------------------------

    /** What a request is told while the pool moves and too many wait, or the bus is down. */
    static final String POOL_MOVING = "Matchmaker is moving to another node; retry later.";
    static final String CLUSTER_UNAVAILABLE = "Cluster unavailable; retry later.";
    /** Most adds and removals waiting for the pool's new node. */
    static final int MAX_PARKED = 4096;

    /** A command sent to the pool's node and not answered yet: sent again if the pool moves. */
    private record Pending(io.gantry.proto.cluster.PoolCommand command, Ticket ticket, Consumer<String> onAdded,
                           Consumer<Boolean> onRemoved) {
    }

    /** Null on a single node. */
    private MatchmakerPool pool;
    /** Router thread: this node's tickets in another node's pool, by id, oldest first. */
    private final java.util.LinkedHashMap<String, Ticket> own = new java.util.LinkedHashMap<>();
    /** Router thread: commands awaiting the pool's answer, by request id. */
    private final java.util.LinkedHashMap<Long, Pending> pending = new java.util.LinkedHashMap<>();
    /** Router thread: what waits for the pool's node to be known; each runs, or is refused. */
    private final java.util.ArrayDeque<Runnable[]> parked = new java.util.ArrayDeque<>();
    private long nextRequest;

    /** Joins the cluster's pool. Before the router starts. */
    public void pool(MatchmakerPool pool) {
        this.pool = java.util.Objects.requireNonNull(pool, "pool");
    }

    /** Where a command goes now: null for this node's agent, "" while the pool moves, else the node. */
    private String poolNode() {
        return pool == null ? null : pool.node();
    }

    private boolean onRouter() {
        return router.isRouterThread();
    }

    private void park(Runnable retry, Runnable refuse) {
        if (parked.size() >= MAX_PARKED) {
            refuse.run();
        } else {
            parked.add(new Runnable[] {retry, refuse});
        }
    }

    private long send(String node, io.gantry.proto.cluster.PoolCommand.Builder command, Ticket ticket,
                      Consumer<String> onAdded, Consumer<Boolean> onRemoved) {
        long id = ++nextRequest;
        io.gantry.proto.cluster.PoolCommand built = command.setRequestId(id).build();
        if (!pool.command(node, built)) {
            return -1;
        }
        pending.put(id, new Pending(built, ticket, onAdded, onRemoved));
        return id;
    }

    /** A ticket of this node's goes to the pool, wherever it runs. Router thread (or any, before a cluster). */
    private void submitToPool(Ticket ticket, Consumer<String> onResult) {
        String node = poolNode();
        if (node == null) {
            offerLocally(ticket, onResult);
        } else if (node.isEmpty()) {
            park(() -> submitToPool(ticket, onResult), () -> onResult.accept(POOL_MOVING));
        } else {
            own.put(ticket.id(), ticket);
            if (send(node, io.gantry.proto.cluster.PoolCommand.newBuilder().setAdd(encode(ticket)), ticket,
                    onResult, null) < 0) {
                own.remove(ticket.id());
                onResult.accept(CLUSTER_UNAVAILABLE);
            }
        }
    }

    private void offerLocally(Ticket ticket, Consumer<String> onResult) {
        if (!agent.offer(new MatchmakerAgent.Add(ticket, settings.maxTickets(), onResult))) {
            onResult.accept("The matchmaker is busy; retry later.");
        }
    }

    /**
     * A removal goes where the pool runs: one ticket of a session ({@code partyId} null), one of a
     * party, or every ticket of a party ({@code ticketId} null). Router thread.
     */
    private void removeFromPool(String ticketId, String ownerSessionId, String partyId, Consumer<Boolean> onResult) {
        String node = poolNode();
        if (node == null) {
            MatchmakerAgent.Command command = partyId != null
                    ? new MatchmakerAgent.RemoveParty(partyId, ticketId, onResult)
                    : new MatchmakerAgent.Remove(ticketId, ownerSessionId, onResult);
            if (!agent.offer(command) && onResult != null) {
                onResult.accept(false);
            }
            if (partyId != null) {
                own.values().removeIf(t -> partyId.equals(t.partyId()) && (ticketId == null || ticketId.equals(t.id())));
            } else {
                own.remove(ticketId);
            }
        } else if (node.isEmpty()) {
            park(() -> removeFromPool(ticketId, ownerSessionId, partyId, onResult), () -> {
                if (onResult != null) {
                    onResult.accept(false);
                }
            });
        } else {
            io.gantry.proto.cluster.PoolRemove.Builder remove = io.gantry.proto.cluster.PoolRemove.newBuilder();
            if (ticketId != null) {
                remove.setTicketId(ticketId);
            }
            if (ownerSessionId != null) {
                remove.setOwnerSessionId(ownerSessionId);
            }
            if (partyId != null) {
                remove.setPartyId(partyId);
            }
            Consumer<Boolean> then = removed -> {
                if (Boolean.TRUE.equals(removed) || partyId != null) {
                    if (partyId != null) {
                        own.values().removeIf(t -> partyId.equals(t.partyId()) && (ticketId == null || ticketId.equals(t.id())));
                    } else {
                        own.remove(ticketId);
                    }
                }
                if (onResult != null) {
                    onResult.accept(removed);
                }
            };
            if (send(node, io.gantry.proto.cluster.PoolCommand.newBuilder().setRemove(remove), null, null, then) < 0
                    && onResult != null) {
                onResult.accept(false);
            }
        }
    }

    /**
     * Router thread: the pool's node changed (its holder died, or this node took the lease).
     * Every ticket this node keeps, and every command not answered, goes to the new pool.
     */
    public void poolMoved() {
        String node = poolNode();
        if (node != null && node.isEmpty()) {
            return; // still moving: the next move sends them
        }
        List<Pending> unanswered = new ArrayList<>(pending.values());
        pending.clear();
        java.util.Set<String> resent = new java.util.HashSet<>();
        for (Pending waiting : unanswered) {
            if (waiting.ticket() != null) {
                resent.add(waiting.ticket().id());
                own.remove(waiting.ticket().id());
                submitToPool(waiting.ticket(), waiting.onAdded());
            } else {
                io.gantry.proto.cluster.PoolRemove remove = waiting.command().getRemove();
                removeFromPool(remove.getTicketId().isEmpty() ? null : remove.getTicketId(),
                        remove.getOwnerSessionId().isEmpty() ? null : remove.getOwnerSessionId(),
                        remove.getPartyId().isEmpty() ? null : remove.getPartyId(), waiting.onRemoved());
            }
        }
        for (Ticket ticket : List.copyOf(own.values())) {
            if (resent.contains(ticket.id())) {
                continue;
            }
            own.remove(ticket.id());
            submitToPool(ticket, reason -> { }); // its client heard already; a refusal now has nobody to tell
        }
        int count = parked.size();
        while (count-- > 0) {
            parked.poll()[0].run();
        }
    }

    /** Router thread, on the pool's node: a command from another node's matchmaker. */
    public void onPoolCommand(String from, io.gantry.proto.cluster.PoolCommand command) {
        long request = command.getRequestId();
        if (command.hasAdd()) {
            Ticket ticket = decode(command.getAdd());
            Consumer<String> answer = reason -> {
                if (request != 0) {
                    pool.answer(from, io.gantry.proto.cluster.PoolAnswer.newBuilder().setRequestId(request)
                            .setAddRefused(reason == null ? "" : reason).build());
                }
            };
            if (ticket == null) {
                answer.accept("A member of the ticket is no longer connected.");
            } else {
                offerLocally(ticket, answer);
            }
        } else if (command.hasRemove()) {
            io.gantry.proto.cluster.PoolRemove remove = command.getRemove();
            Consumer<Boolean> answer = removed -> pool.answer(from, io.gantry.proto.cluster.PoolAnswer.newBuilder()
                    .setRequestId(request).setRemoved(Boolean.TRUE.equals(removed)).build());
            String ticketId = remove.getTicketId().isEmpty() ? null : remove.getTicketId();
            MatchmakerAgent.Command removal = remove.getPartyId().isEmpty()
                    ? new MatchmakerAgent.Remove(ticketId, remove.getOwnerSessionId().isEmpty() ? null : remove.getOwnerSessionId(), answer)
                    : new MatchmakerAgent.RemoveParty(remove.getPartyId(), ticketId, answer);
            if (!agent.offer(removal)) {
                answer.accept(false);
            }
        }
    }

    /** Router thread, on a ticket's node: the pool answered a command, or matched tickets. */
    public void onPoolAnswer(io.gantry.proto.cluster.PoolAnswer answer) {
        if (answer.hasMatched()) {
            for (String id : answer.getMatched().getTicketIdsList()) {
                own.remove(id);
            }
            return;
        }
        Pending waiting = pending.remove(answer.getRequestId());
        if (waiting == null) {
            return;
        }
        if (answer.hasAddRefused()) {
            String reason = answer.getAddRefused().isEmpty() ? null : answer.getAddRefused();
            if (reason != null && waiting.ticket() != null) {
                own.remove(waiting.ticket().id());
            }
            waiting.onAdded().accept(reason);
        } else if (waiting.onRemoved() != null) {
            waiting.onRemoved().accept(answer.getRemoved());
        }
    }

    private io.gantry.proto.cluster.PoolTicket encode(Ticket ticket) {
        io.gantry.proto.cluster.PoolTicket.Builder built = io.gantry.proto.cluster.PoolTicket.newBuilder()
                .setId(ticket.id()).setOwnerSessionId(ticket.ownerSessionId()).setPartyId(ticket.partyId())
                .setQuery(ticket.queryText()).setMinCount(ticket.minCount()).setMaxCount(ticket.maxCount())
                .setCountMultiple(ticket.countMultiple()).putAllStringProperties(ticket.stringProperties())
                .putAllNumericProperties(ticket.numericProperties()).setCreateTimeMs(ticket.createTimeMs());
        for (Ticket.Member member : ticket.members()) {
            Session session = sessionMember(member).session();
            built.addMembers(io.gantry.proto.cluster.PoolMember.newBuilder().setPresence(sessionMember(member).userPresence())
                    .setNode(session.isRemote() ? session.node() : pool.self()));
        }
        return built.build();
    }

    /** A ticket another node built, over this node's sessions of its members; null when one is gone. */
    private Ticket decode(io.gantry.proto.cluster.PoolTicket ticket) {
        List<Ticket.Member> members = new ArrayList<>(ticket.getMembersCount());
        for (io.gantry.proto.cluster.PoolMember member : ticket.getMembersList()) {
            Session session = member.getNode().equals(pool.self())
                    ? sessions.get(member.getPresence().getSessionId()).orElse(null)
                    : pool.remoteSession(member.getNode(), member.getPresence());
            if (session == null || session.isClosed()) {
                return null;
            }
            members.add(new SessionMember(session));
        }
        Query query;
        try {
            query = Query.parse(ticket.getQuery());
        } catch (QueryParseException e) {
            return null; // its node parsed it: not reached
        }
        return new Ticket(ticket.getId(), ticket.getOwnerSessionId(), ticket.getPartyId(), members, ticket.getQuery(),
                query, ticket.getMinCount(), ticket.getMaxCount(), ticket.getCountMultiple(),
                ticket.getStringPropertiesMap(), ticket.getNumericPropertiesMap(), ticket.getCreateTimeMs(),
                sequence.incrementAndGet());
    }

    /** Pool's node, agent or hook thread: tells each ticket's node that its matched tickets left the pool. */
    private void tellMatched(List<Ticket> group) {
        if (pool == null) {
            return;
        }
        Map<String, io.gantry.proto.cluster.PoolMatched.Builder> byNode = new java.util.HashMap<>();
        for (Ticket ticket : group) {
            Session owner = null;
            for (Ticket.Member member : ticket.members()) {
                if (member.sessionId().equals(ticket.ownerSessionId()) || owner == null) {
                    owner = sessionMember(member).session();
                }
            }
            if (owner != null && owner.isRemote()) {
                byNode.computeIfAbsent(owner.node(), k -> io.gantry.proto.cluster.PoolMatched.newBuilder())
                        .addTicketIds(ticket.id());
            }
        }
        byNode.forEach((node, matched) -> pool.answer(node,
                io.gantry.proto.cluster.PoolAnswer.newBuilder().setMatched(matched).build()));
    }

    // ---- socket requests (router thread) ------------------------------------------------------

    private void onAdd(Session session, Envelope request) {
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
        String ticket = request.getMatchmakerRemove().getTicket();
        String cid = request.getCid();
        if (ticket.isEmpty()) {
            session.send(Replies.badInput(request, "Matchmaker ticket is required."));
            return;
        }
        Consumer<Boolean> answer = removed -> session.send(removed
                ? Envelope.newBuilder().setCid(cid).build()
                : Replies.badInput(request, "Matchmaker ticket not found: " + ticket));
        if (pool != null && poolNode() != null) {
            removeFromPool(ticket, session.id(), null, answer);
            return;
        }
        if (!agent.offer(new MatchmakerAgent.Remove(ticket, session.id(), answer))) {
            session.send(Replies.error(cid, Error.Code.RUNTIME_EXCEPTION, REMOVALS_FULL));
        }
    }

    @Override
    public void onDisconnect(Session session) {
        agent.offer(new MatchmakerAgent.RemoveSession(session.id()));
        if (pool != null && !own.isEmpty()) {
            // the pool's node drops them when it sees the session go; this node forgets its copies
            own.values().removeIf(ticket -> ticket.ownerSessionId().equals(session.id()));
        }
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
        if (pool != null) {
            removeFromPool(ticket, null, partyId, onResult);
            return;
        }
        if (!agent.offer(new MatchmakerAgent.RemoveParty(partyId, ticket, onResult)) && onResult != null) {
            onResult.accept(false); // the removal queue is full: nothing was removed
        }
    }

    /** The party ended or changed members: its tickets go. */
    @Override
    public void removeAllOfParty(String partyId) {
        if (pool != null) {
            removeFromPool(null, null, partyId, null);
            return;
        }
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
        if (pool != null) {
            router.execute(() -> removeFromPool(ticket, null, null, result::complete));
        } else if (!agent.offer(new MatchmakerAgent.Remove(ticket, null, result::complete))) {
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
        if (pool == null) {
            offerLocally(ticket, onResult);
        } else if (onRouter()) {
            submitToPool(ticket, onResult);
        } else {
            router.execute(() -> submitToPool(ticket, onResult)); // server code, from its own thread
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

    private void send(List<Ticket> group, String matchId, String token) {
        tellMatched(group);
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
