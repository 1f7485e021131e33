package io.gantry.matchmaker;

import io.gantry.query.Clause;
import io.gantry.query.Occur;
import io.gantry.runtime.MatchmakerProcessor;
import io.gantry.runtime.MatchmakerTicketView;
import io.gantry.runtime.Presence;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * The matchmaker's single writer: one thread owns the {@link TicketIndex}. Adds arrive on a
 * bounded queue (a full queue refuses the add, the client is told); a client's or server code's
 * removals on a second bounded queue of the same size (full: refused, the caller is told to
 * retry); departures (a session disconnected, a party ended) on a third that is never refused
 * and never loses one: each session disconnects once and each party ends once, so it holds at
 * most one entry per session and party. Every interval the pool is
 * processed oldest ticket first and each formed group is handed to the sink on this thread.
 *
 * <p>Grouping (built in): a ticket searches the pool with its query; candidates come from the
 * index's postings in age order and are taken greedily while the group still suits every
 * member's counts, so a ticket's search usually stops after a few candidates however large the
 * pool. When the query orders candidates (boosts, optional clauses), the best-scoring of the
 * first {@link #SCORED_CANDIDATES} matching candidates are taken instead. A group closes when it
 * reaches the smallest {@code max_count} of its members, or, on the searching ticket's last
 * interval, at the largest size every member accepts.
 *
 * <p>An Agrona {@link Agent}: {@link #doWork} drains the command queues and, once the interval
 * has passed since the last one, processes the pool; {@link #start} runs it on
 * {@code gantry-matchmaker} with an {@link AgentRunner} and {@link #idleStrategy()}. Tests drive
 * {@link #drainCommands} and {@link #processInterval} on their own thread instead.
 */
public final class MatchmakerAgent implements Agent {

    private static final Logger LOG = LoggerFactory.getLogger(MatchmakerAgent.class);

    /** The matchmaker thread's name. */
    static final String THREAD_NAME = "gantry-matchmaker";

    /** Candidates scored per ticket when the query ranks them. */
    static final int SCORED_CANDIDATES = 512;

    /** What comes out: a group of tickets to tell. Called on the matchmaker thread. */
    public interface Sink {
        void matched(List<Ticket> group);
    }

    /** A command for the matchmaker thread. */
    public sealed interface Command {
    }

    /** Add a ticket; {@code onResult} gets null on success or the reason it was refused. */
    public record Add(Ticket ticket, int maxTickets, Consumer<String> onResult) implements Command {
    }

    /** Withdraw a ticket owned by a session (or any owner when {@code ownerSessionId} is null). */
    public record Remove(String ticketId, String ownerSessionId, Consumer<Boolean> onResult) implements Command {
    }

    /** A session left: its own tickets go. */
    public record RemoveSession(String sessionId) implements Command {
    }

    /** A party's ticket, withdrawn by its leader ({@code ticketId} null: all of the party's). */
    public record RemoveParty(String partyId, String ticketId, Consumer<Boolean> onResult) implements Command {
    }

    private final MatchmakerSettings settings;
    private final Sink sink;
    private final MatchmakerProcessor processor;
    private final TicketIndex index = new TicketIndex();
    private final ArrayBlockingQueue<Command> adds;
    private final ArrayBlockingQueue<Command> removals;
    /** Disconnects and ended parties: at most one per session and party (see the class comment). */
    private final ConcurrentLinkedQueue<Command> departures = new ConcurrentLinkedQueue<>();
    private final List<Command> drained = new ArrayList<>();
    private final AgentRunner runner;
    /** {@link System#nanoTime} in production; tests move their own. */
    private final LongSupplier nanoClock;
    /** When the next interval is due ({@link #nanoClock}); matchmaker thread. */
    private long nextIntervalNanos;
    private volatile int activeTickets;

    // statistics, written by the matchmaker thread
    private volatile long lastIntervalNanos;
    private volatile int lastIntervalMatched;
    private volatile long intervals;
    private volatile long matchedTotal;

    public MatchmakerAgent(MatchmakerSettings settings, Sink sink, MatchmakerProcessor processor) {
        this(settings, sink, processor, System::nanoTime);
    }

    MatchmakerAgent(MatchmakerSettings settings, Sink sink, MatchmakerProcessor processor, LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
        this.settings = settings;
        this.sink = sink;
        this.processor = processor;
        this.adds = new ArrayBlockingQueue<>(settings.queueSize());
        this.removals = new ArrayBlockingQueue<>(settings.queueSize());
        this.runner = new AgentRunner(idleStrategy(),
                t -> LOG.error("the matchmaker failed; it carries on", t), null, this);
    }

    /**
     * How the idle matchmaker waits: a few busy spins, never {@link Thread#yield}, then parks of
     * 1 ms doubling to 20 ms. Commands only need applying before the next interval, and an idle
     * thread that spun, yielded or woke every millisecond would take the core from the event loops
     * on a small machine (a 1 ms park measured about 1,100 context switches a second on an idle
     * server, BENCHMARKS.md "Stalls under load"); a 20 ms park bounds how late an interval starts.
     */
    static IdleStrategy idleStrategy() {
        return new BackoffIdleStrategy(10, 0, TimeUnit.MILLISECONDS.toNanos(1), TimeUnit.MILLISECONDS.toNanos(20));
    }

    /** Starts the matchmaker thread. Once. */
    public void start() {
        AgentRunner.startOnThread(runner, runnable -> {
            Thread thread = new Thread(runnable, THREAD_NAME);
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Stops the matchmaker thread and waits for it (its current interval finishes first). */
    public void stop() {
        runner.close(5_000, thread -> LOG.warn("still waiting for the matchmaker thread to stop"));
    }

    /** Any thread; never blocks. False when the add or removal queue is full; departures are always taken. */
    public boolean offer(Command command) {
        if (command instanceof Add) {
            return adds.offer(command);
        }
        if (isDeparture(command)) {
            return departures.offer(command);
        }
        return removals.offer(command);
    }

    /** A session's disconnect, or a party's end: must not be lost, happens once per session or party. */
    private static boolean isDeparture(Command command) {
        return command instanceof RemoveSession
                || command instanceof RemoveParty party && party.ticketId() == null && party.onResult() == null;
    }

    /** Commands offered and not yet applied (for metrics; O(departures)). Any thread. */
    public int queuedCommands() {
        return adds.size() + removals.size() + departures.size();
    }

    public int activeTickets() {
        return activeTickets;
    }

    public long lastIntervalNanos() {
        return lastIntervalNanos;
    }

    public int lastIntervalMatched() {
        return lastIntervalMatched;
    }

    public long intervals() {
        return intervals;
    }

    public long matchedTotal() {
        return matchedTotal;
    }

    @Override
    public String roleName() {
        return THREAD_NAME;
    }

    /** The first interval is due one interval after the thread starts. */
    @Override
    public void onStart() {
        nextIntervalNanos = nanoClock.getAsLong() + settings.intervalMs() * 1_000_000L;
    }

    /**
     * Applies queued commands, then processes the pool if an interval has passed since the last
     * one (the next is due one interval after this one started). Returns the work done; 0 lets
     * the idle strategy back off. Matchmaker thread.
     */
    @Override
    public int doWork() {
        int work = drainCommands();
        long now = nanoClock.getAsLong();
        if (now - nextIntervalNanos >= 0) {
            processInterval();
            nextIntervalNanos = now + settings.intervalMs() * 1_000_000L;
            work++;
        }
        return work;
    }

    /** Applies queued commands; returns how many. Matchmaker thread. */
    int drainCommands() {
        int count = 0;
        Command removal;
        while ((removal = departures.poll()) != null) {
            apply(removal);
            count++;
        }
        while ((removal = removals.poll()) != null) {
            apply(removal);
            count++;
        }
        drained.clear();
        adds.drainTo(drained, 4096);
        for (Command command : drained) {
            apply(command);
            count++;
        }
        drained.clear();
        activeTickets = index.size();
        return count;
    }

    private void apply(Command command) {
        try {
            if (command instanceof Add add) {
                Ticket ticket = add.ticket();
                Set<Ticket> held = ticket.isParty() ? index.ofParty(ticket.partyId) : index.ownedBy(ticket.ownerSessionId);
                if (held.size() >= add.maxTickets()) {
                    add.onResult().accept("Too many matchmaker tickets: at most " + add.maxTickets()
                            + (ticket.isParty() ? " per party." : " per session."));
                } else if (ticket.members.stream().anyMatch(Ticket.Member::isClosed)) {
                    add.onResult().accept("Session closed.");
                } else {
                    index.add(ticket);
                    add.onResult().accept(null);
                }
            } else if (command instanceof Remove remove) {
                Ticket ticket = index.get(remove.ticketId());
                boolean owned = ticket != null && !ticket.isParty()
                        && (remove.ownerSessionId() == null || ticket.ownerSessionId.equals(remove.ownerSessionId()));
                if (owned) {
                    index.remove(ticket.id);
                }
                remove.onResult().accept(owned);
            } else if (command instanceof RemoveSession gone) {
                for (Ticket ticket : List.copyOf(index.ownedBy(gone.sessionId()))) {
                    index.remove(ticket.id);
                }
            } else if (command instanceof RemoveParty party) {
                boolean removed = false;
                for (Ticket ticket : List.copyOf(index.ofParty(party.partyId()))) {
                    if (party.ticketId() == null || ticket.id.equals(party.ticketId())) {
                        index.remove(ticket.id);
                        removed = true;
                    }
                }
                if (party.onResult() != null) {
                    party.onResult().accept(removed);
                }
            }
        } catch (RuntimeException e) {
            LOG.error("matchmaker command {} failed", command.getClass().getSimpleName(), e);
        }
    }

    /** One interval: forms every group it can, oldest ticket first. Matchmaker thread. */
    void processInterval() {
        long start = System.nanoTime();
        int matched = 0;
        try {
            List<List<Ticket>> groups = processor == null ? groupBuiltIn() : groupCustom();
            for (List<Ticket> group : groups) {
                for (Ticket ticket : group) {
                    index.remove(ticket.id);
                }
                matched += group.size();
                try {
                    sink.matched(group);
                } catch (RuntimeException e) {
                    LOG.error("delivering a matchmaker group failed", e);
                }
            }
            for (Ticket ticket : index.all()) {
                ticket.intervals++;
            }
        } catch (RuntimeException e) {
            LOG.error("matchmaker interval failed; the pool is kept for the next one", e);
        }
        activeTickets = index.size();
        lastIntervalMatched = matched;
        matchedTotal += matched;
        lastIntervalNanos = System.nanoTime() - start;
        intervals++;
    }

    private List<List<Ticket>> groupBuiltIn() {
        List<List<Ticket>> groups = new ArrayList<>();
        List<Ticket> group = new ArrayList<>();
        // Matched tickets leave the index at once, so later searches never walk past them.
        for (Ticket ticket : new ArrayList<>(index.all())) {
            if (ticket.matched) {
                continue;
            }
            group.clear();
            if (search(ticket, group)) {
                for (Ticket member : group) {
                    member.matched = true;
                    index.remove(member.id);
                }
                groups.add(List.copyOf(group));
            }
        }
        return groups;
    }

    /** Fills {@code group} (starting with the searcher) and returns whether it closed. */
    private boolean search(Ticket searcher, List<Ticket> group) {
        group.add(searcher);
        boolean lastInterval = searcher.intervals + 1 >= settings.maxIntervals();
        Collection<Ticket> candidates = index.candidates(searcher);
        if (ranks(searcher)) {
            candidates = bestScoring(searcher, candidates);
        }
        int total = searcher.size();
        int target = searcher.maxCount;
        for (Ticket candidate : candidates) {
            if (candidate == searcher || candidate.matched || !compatible(group, candidate)) {
                continue;
            }
            int size = total + candidate.size();
            int newTarget = Math.min(target, candidate.maxCount);
            if (size > newTarget) {
                continue; // this candidate does not fit the group; a smaller one may
            }
            group.add(candidate);
            total = size;
            target = newTarget;
            if (total == target && suitsAll(group, total)) {
                return true;
            }
        }
        if (lastInterval) {
            // Settle for the largest prefix every member accepts.
            int size = 0;
            int best = -1;
            for (int i = 0; i < group.size(); i++) {
                size += group.get(i).size();
                if (i > 0 && suitsAll(group.subList(0, i + 1), size)) {
                    best = i;
                }
            }
            if (best > 0) {
                group.subList(best + 1, group.size()).clear();
                return true;
            }
        }
        group.clear();
        return false;
    }

    private boolean compatible(List<Ticket> group, Ticket candidate) {
        Ticket searcher = group.get(0);
        if (!searcher.query.matches(candidate.document)) {
            return false;
        }
        for (Ticket member : group) {
            if (member.conflictsWith(candidate)) {
                return false;
            }
            if (settings.revPrecision()) {
                if (!candidate.query.matches(member.document) || (member != searcher && !member.query.matches(candidate.document))) {
                    return false;
                }
            }
        }
        return true;
    }

    private static boolean suitsAll(List<Ticket> group, int size) {
        for (Ticket ticket : group) {
            if (!ticket.accepts(size)) {
                return false;
            }
        }
        return true;
    }

    /** Whether a ticket's query gives candidates different scores (so the best should go first). */
    private static boolean ranks(Ticket ticket) {
        boolean must = false;
        boolean should = false;
        for (Clause clause : ticket.query.clauses()) {
            if (clause.boost() != 1.0) {
                return true;
            }
            must |= clause.occur() == Occur.MUST;
            should |= clause.occur() == Occur.SHOULD;
        }
        return should && (must || ticket.query.clauses().size() > 1);
    }

    private static List<Ticket> bestScoring(Ticket searcher, Collection<Ticket> candidates) {
        List<Ticket> scored = new ArrayList<>();
        for (Ticket candidate : candidates) {
            if (candidate != searcher && !candidate.matched && searcher.query.matches(candidate.document)) {
                scored.add(candidate);
                if (scored.size() >= SCORED_CANDIDATES) {
                    break;
                }
            }
        }
        scored.sort(Comparator.comparingDouble((Ticket t) -> searcher.query.score(t.document)).reversed()
                .thenComparingLong(t -> t.sequence));
        return scored;
    }

    private List<List<Ticket>> groupCustom() {
        List<MatchmakerTicketView> views = new ArrayList<>(index.size());
        for (Ticket ticket : index.all()) {
            views.add(view(ticket));
        }
        List<List<String>> proposed;
        try {
            proposed = processor.process(List.copyOf(views));
        } catch (RuntimeException e) {
            LOG.error("the custom matchmaker processor failed; no groups this interval", e);
            return List.of();
        }
        List<List<Ticket>> groups = new ArrayList<>();
        Set<String> used = new HashSet<>();
        for (List<String> ids : proposed == null ? List.<List<String>>of() : proposed) {
            List<Ticket> group = new ArrayList<>();
            boolean valid = ids != null && !ids.isEmpty();
            for (String id : valid ? ids : List.<String>of()) {
                Ticket ticket = index.get(id);
                if (ticket == null || ticket.matched || !used.add(id)) {
                    valid = false;
                    break;
                }
                for (Ticket member : group) {
                    if (member.conflictsWith(ticket)) {
                        valid = false;
                        break;
                    }
                }
                group.add(ticket);
            }
            if (valid) {
                for (Ticket ticket : group) {
                    ticket.matched = true;
                }
                groups.add(group);
            } else {
                LOG.warn("custom matchmaker processor proposed an invalid group {}; ignored", ids);
            }
        }
        return groups;
    }

    static MatchmakerTicketView view(Ticket ticket) {
        List<Presence> presences = new ArrayList<>(ticket.size());
        for (Ticket.Member member : ticket.members) {
            presences.add(member.presence());
        }
        return new MatchmakerTicketView(ticket.id, List.copyOf(presences), ticket.partyId, ticket.queryText,
                ticket.minCount, ticket.maxCount, ticket.countMultiple, Map.copyOf(ticket.stringProperties),
                Map.copyOf(ticket.numericProperties), ticket.intervals, ticket.createTimeMs);
    }
}
