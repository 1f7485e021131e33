package io.gantry.core.router;

import com.heroiclabs.nakama.rtapi.Envelope;
import com.heroiclabs.nakama.rtapi.Error;
import com.lmax.disruptor.EventHandler;
import com.lmax.disruptor.EventPoller;
import com.lmax.disruptor.EventTranslatorOneArg;
import com.lmax.disruptor.EventTranslatorTwoArg;
import com.lmax.disruptor.ExceptionHandler;
import com.lmax.disruptor.PhasedBackoffWaitStrategy;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.WaitStrategy;
import com.lmax.disruptor.dsl.Disruptor;
import com.lmax.disruptor.dsl.ProducerType;
import io.gantry.core.session.Session;
import io.gantry.core.tracker.PresenceTracker;
import io.gantry.proto.ClientMessages;
import org.agrona.concurrent.ManyToOneConcurrentArrayQueue;
import org.jctools.queues.MpscUnboundedArrayQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The single writer of realtime state. Every client request, session connect and disconnect,
 * and every command from another thread goes through one Disruptor ring and is handled by one
 * consumer thread, which alone owns the {@link PresenceTracker} and the state of channels,
 * relayed matches, parties and status. Nothing it owns needs a lock.
 *
 * <p>Producers, and what each does when the router is behind (none of them blocks an event loop):
 * <ul>
 *   <li>{@link #publishRequest} (event loops): a full ring answers the client "overloaded".</li>
 *   <li>{@link #publishConnect} (event loops): a full ring returns false and the socket is refused.</li>
 *   <li>{@link #publishDisconnect} (event loops): never lost. A full ring puts the session on the
 *       disconnect overflow; each session is published once, so it holds at most one entry per
 *       session.</li>
 *   <li>{@link #tryExecute} (any thread): the ring, or when it is full (or the overflow is not
 *       empty, to keep each producer's order) the <em>task overflow</em>, a bounded MPSC queue of
 *       {@code router.overflow_size} tasks. Full: returns false.</li>
 *   <li>{@link #execute} (threads that may wait: the history and notification writers, match
 *       lanes, executors; never event loops, never the router itself): {@link #tryExecute},
 *       waiting for room only while the task overflow is full, that is when the router is a ring
 *       and a whole overflow behind. Nothing accepted (a durable write's broadcast and ack) is
 *       dropped, and the router never waits on any of these threads, so the wait is not a cycle.</li>
 * </ul>
 * The router drains both overflows at the end of every batch. An overflow entry carries the
 * ring's cursor when it was offered and runs only once the router has handled that far, so it
 * never overtakes what its producer published before (a disconnect never overtakes its
 * session's connect or requests); a wake-up event follows each offer so that an idle router
 * starts a batch.
 *
 * <p>{@link #drivenByCaller} makes a router without a thread of its own: the thread that calls
 * {@link #start} is the router thread and handles what was published whenever it calls
 * {@link #drain}, with the same dispatch. Tests drive the services that way, step by step.
 */
public final class Router implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Router.class);

    private static final EventTranslatorTwoArg<RouterEvent, Session, Envelope> REQUEST = (event, seq, session, envelope) -> {
        event.kind = RouterEvent.REQUEST;
        event.session = session;
        event.envelope = envelope;
    };
    private static final EventTranslatorOneArg<RouterEvent, Session> CONNECT = (event, seq, session) -> {
        event.kind = RouterEvent.CONNECT;
        event.session = session;
    };
    private static final EventTranslatorOneArg<RouterEvent, Session> DISCONNECT = (event, seq, session) -> {
        event.kind = RouterEvent.DISCONNECT;
        event.session = session;
    };
    private static final com.lmax.disruptor.EventTranslator<RouterEvent> WAKE = (event, seq) -> event.kind = RouterEvent.WAKE;

    private static final EventTranslatorOneArg<RouterEvent, Runnable> TASK = (event, seq, task) -> {
        event.kind = RouterEvent.TASK;
        event.task = task;
    };

    /** The task overflow's default capacity. */
    public static final int DEFAULT_OVERFLOW_SIZE = 65536;
    private static final long OVERFLOW_FULL_PARK_NANOS = TimeUnit.MICROSECONDS.toNanos(50);

    private final Disruptor<RouterEvent> disruptor;
    private final RingBuffer<RouterEvent> ring;
    private final Consumer consumer = new Consumer();
    /** Non-null when the caller drives the router ({@link #drivenByCaller}). */
    private final EventPoller<RouterEvent> poller;
    private final RequestHandler[] handlers = new RequestHandler[Envelope.MessageCase.values().length + 64];
    /** Handlers that may take a request on the publishing thread; written before start only. */
    private final DirectHandler[] directHandlers = new DirectHandler[Envelope.MessageCase.values().length + 64];
    private final AtomicLong directRequests = new AtomicLong();
    private final List<SessionListener> sessionListeners = new ArrayList<>();
    private final List<Runnable> endOfBatchActions = new ArrayList<>();
    private final PresenceTracker tracker = new PresenceTracker();
    private final AtomicLong rejectedRequests = new AtomicLong();
    private final AtomicLong handledEvents = new AtomicLong();
    /** Tasks that found the ring full; the router is the only consumer. */
    private final ManyToOneConcurrentArrayQueue<Overflowed> overflow;
    private final int overflowSize;
    /** Disconnects that found the ring full: at most one per session. */
    private final MpscUnboundedArrayQueue<Overflowed> disconnectOverflow = new MpscUnboundedArrayQueue<>(64);
    private final AtomicLong overflowedDisconnects = new AtomicLong();
    private final AtomicLong overflowedTasks = new AtomicLong();
    private final AtomicLong refusedConnects = new AtomicLong();

    /** An event that found the ring full, and how far the ring had been claimed when it did. */
    private record Overflowed(long afterSequence, Session session, Runnable task) {
    }
    private volatile Thread routerThread;
    private volatile boolean started;

    /**
     * @param ringSize a power of two: how many events may wait for the router
     */
    public Router(int ringSize) {
        this(ringSize, DEFAULT_OVERFLOW_SIZE);
    }

    /**
     * @param ringSize     a power of two: how many events may wait for the router
     * @param overflowSize how many tasks may wait when the ring is full ({@link #tryExecute})
     */
    public Router(int ringSize, int overflowSize) {
        this(ringSize, overflowSize, PhasedBackoffWaitStrategy.withLiteLock(20, 100, TimeUnit.MICROSECONDS));
    }

    public Router(int ringSize, WaitStrategy waitStrategy) {
        this(ringSize, DEFAULT_OVERFLOW_SIZE, waitStrategy);
    }

    public Router(int ringSize, int overflowSize, WaitStrategy waitStrategy) {
        this(ringSize, overflowSize, waitStrategy, false);
    }

    private Router(int ringSize, int overflowSize, WaitStrategy waitStrategy, boolean drivenByCaller) {
        if (overflowSize < 2) {
            throw new IllegalArgumentException("router overflow size must be at least 2, not " + overflowSize);
        }
        // the array queue rounds its capacity up to a power of two; the bound we promise is the rounded one
        this.overflow = new ManyToOneConcurrentArrayQueue<>(overflowSize);
        this.overflowSize = overflow.capacity();
        this.disruptor = new Disruptor<>(RouterEvent::new, ringSize, runnable -> {
            Thread thread = new Thread(runnable, "gantry-router");
            thread.setDaemon(true);
            return thread;
        }, ProducerType.MULTI, waitStrategy);
        this.disruptor.setDefaultExceptionHandler(new LoggingExceptionHandler());
        this.ring = disruptor.getRingBuffer();
        if (drivenByCaller) {
            this.poller = ring.newPoller();
            ring.addGatingSequences(poller.getSequence());
        } else {
            this.poller = null;
            this.disruptor.handleEventsWith(consumer);
        }
    }

    /**
     * A router without a thread of its own: the thread that calls {@link #start} becomes the
     * router thread and handles events when it calls {@link #drain}. Everything else is as
     * {@link #Router(int)}: producers publish from any thread, handlers and listeners dispatch
     * the same way.
     *
     * <pre>{@code
     * Router router = Router.drivenByCaller(1024);
     * new PartyService(router, "node1");
     * router.start();                      // this thread is now the router thread
     * router.publishRequest(session, partyCreate);
     * router.drain();                      // handled here; the reply is in the session's queue
     * }</pre>
     *
     * @param ringSize a power of two; what one {@link #drain} round publishes must fit in it
     */
    public static Router drivenByCaller(int ringSize) {
        return new Router(ringSize, DEFAULT_OVERFLOW_SIZE, new com.lmax.disruptor.BlockingWaitStrategy(), true);
    }

    /**
     * Handles every event published so far, and those their handling publishes in turn, on the
     * calling thread; returns how many. Only for a router {@link #drivenByCaller}, on the thread
     * that started it.
     */
    public int drain() {
        if (poller == null || !isRouterThread()) {
            throw new IllegalStateException("drain() is for a router driven by the caller, on the thread that started it");
        }
        int[] count = new int[1];
        EventPoller.Handler<RouterEvent> handler = (event, sequence, endOfBatch) -> {
            count[0]++;
            consumer.onEvent(event, sequence, endOfBatch);
            return true;
        };
        try {
            while (poller.poll(handler) == EventPoller.PollState.PROCESSING) {
                // again: handling may have published more
            }
        } catch (Exception e) {
            throw new IllegalStateException("router event failed", e);
        }
        return count[0];
    }

    /** Registers the handler of a client request type. Before {@link #start} only. */
    public Router register(Envelope.MessageCase type, RequestHandler handler) {
        checkNotStarted();
        handlers[type.getNumber()] = handler;
        return this;
    }

    /**
     * Registers a handler that may take requests of a type on the thread that publishes them
     * (see {@link DirectHandler}); the type's router handler takes the rest. Before start only.
     */
    public Router registerDirect(Envelope.MessageCase type, DirectHandler handler) {
        checkNotStarted();
        directHandlers[type.getNumber()] = handler;
        return this;
    }

    /** Registers a listener of connects and disconnects, told in registration order. Before start only. */
    public Router addSessionListener(SessionListener listener) {
        checkNotStarted();
        sessionListeners.add(listener);
        return this;
    }

    /** Runs an action on the router thread at the end of every batch of events. Before start only. */
    public Router addEndOfBatchAction(Runnable action) {
        checkNotStarted();
        endOfBatchActions.add(action);
        return this;
    }

    /** The presence tracker. Only the router thread may use it. */
    public PresenceTracker tracker() {
        return tracker;
    }

    /**
     * Starts the router thread; for a router {@link #drivenByCaller}, makes the calling thread
     * the router thread instead.
     */
    public void start() {
        started = true;
        if (poller != null) {
            routerThread = Thread.currentThread();
            tracker.bindOwner(routerThread);
            return;
        }
        disruptor.start();
    }

    /**
     * Hands a client request to the router. Never blocks: when the ring is full the client is
     * told the server is overloaded and the request is dropped. The request counts in the
     * session's backlog until its handler returns (see {@link Session#requestStarted}). Any thread.
     */
    public boolean publishRequest(Session session, Envelope envelope) {
        DirectHandler direct = directHandlers[envelope.getMessageCase().getNumber()];
        // Only with nothing of this session in flight: an earlier request still on the ring
        // (a join, a leave) takes effect first.
        if (direct != null && session.requestsInFlight() == 0 && handleDirect(direct, session, envelope)) {
            return true;
        }
        session.requestStarted();
        if (ring.tryPublishEvent(REQUEST, session, envelope)) {
            return true;
        }
        session.requestFinished();
        rejectedRequests.incrementAndGet();
        session.send(Replies.error(envelope.getCid(), Error.Code.RUNTIME_EXCEPTION,
                "Server is overloaded, request dropped; retry later."));
        return false;
    }

    private boolean handleDirect(DirectHandler direct, Session session, Envelope envelope) {
        boolean handled;
        try {
            handled = direct.tryHandle(session, envelope);
        } catch (RuntimeException e) {
            // as a router handler that throws: the client is told, the caller goes on
            LOG.error("direct handler failed on {} for {}", envelope.getMessageCase(), session, e);
            session.send(Replies.error(envelope.getCid(), Error.Code.RUNTIME_EXCEPTION,
                    "Internal error handling " + ClientMessages.jsonName(envelope.getMessageCase()) + "."));
            handled = true;
        }
        if (handled) {
            directRequests.incrementAndGet();
        }
        return handled;
    }

    /**
     * Hands a request to the router, waiting for ring space. For server-side producers that must
     * not drop work (and for benchmarks); socket event loops use {@link #publishRequest}.
     */
    public void publishRequestWaiting(Session session, Envelope envelope) {
        session.requestStarted();
        ring.publishEvent(REQUEST, session, envelope);
    }

    /**
     * A session opened. Never blocks: returns false when the ring is full, and the caller
     * refuses the socket (nothing of the session reached the router; publish no disconnect for
     * it). Any thread.
     */
    public boolean publishConnect(Session session) {
        if (ring.tryPublishEvent(CONNECT, session)) {
            return true;
        }
        refusedConnects.incrementAndGet();
        return false;
    }

    /**
     * A session closed; call once per session whose connect was published. Never blocks and is
     * never lost: a full ring puts it on the disconnect overflow (at most one entry per session),
     * handled after everything published before it. Any thread.
     */
    public void publishDisconnect(Session session) {
        if (disconnectOverflow.isEmpty() && ring.tryPublishEvent(DISCONNECT, session)) {
            return;
        }
        overflowedDisconnects.incrementAndGet();
        disconnectOverflow.offer(new Overflowed(ring.getCursor(), session, null));
        ring.tryPublishEvent(WAKE);
    }

    /**
     * Runs a task on the router thread, after everything the caller published before; waits
     * only while the ring and the task overflow are both full (see the class comment for who may
     * call this).
     *
     * @throws IllegalStateException on the router thread when both are full (it would wait for itself)
     */
    public void execute(Runnable task) {
        while (!tryExecute(task)) {
            if (isRouterThread()) {
                throw new IllegalStateException("router ring and task overflow (" + overflowSize + ") full on the router thread");
            }
            LockSupport.parkNanos(this, OVERFLOW_FULL_PARK_NANOS);
        }
    }

    /**
     * Runs a task on the router thread, after everything the caller published before, if the
     * ring or the task overflow has room now; returns false when both are full. Never blocks.
     * Any thread.
     */
    public boolean tryExecute(Runnable task) {
        // While the overflow holds anything, new tasks queue behind it: a producer's tasks keep their order.
        if (overflow.isEmpty() && ring.tryPublishEvent(TASK, task)) {
            return true;
        }
        if (!overflow.offer(new Overflowed(ring.getCursor(), null, task))) {
            return false;
        }
        overflowedTasks.incrementAndGet();
        ring.tryPublishEvent(WAKE); // a full ring ends a batch later anyway
        return true;
    }

    public boolean isRouterThread() {
        return Thread.currentThread() == routerThread;
    }

    /** Whether the calling thread is the router's, or the router has not started (tests drive services directly). */
    public boolean onRouterThreadOrNotStarted() {
        Thread owner = routerThread;
        return owner == null || owner == Thread.currentThread();
    }

    /** Connects refused because the ring was full, since start. */
    public long refusedConnects() {
        return refusedConnects.get();
    }

    /** Disconnects that found the ring full and went to the overflow, since start. */
    public long overflowedDisconnects() {
        return overflowedDisconnects.get();
    }

    /** Tasks that found the ring full and went to the task overflow, since start. */
    public long overflowedTasks() {
        return overflowedTasks.get();
    }

    /** Tasks waiting in the task overflow. */
    public int overflowBacklog() {
        return overflow.size();
    }

    /** The task overflow's capacity (the requested size rounded up to a power of two). */
    public int overflowCapacity() {
        return overflowSize;
    }

    /** Requests refused because the ring was full, since start. */
    public long rejectedRequests() {
        return rejectedRequests.get();
    }

    /** Events handled since start. */
    /** Requests a {@link DirectHandler} took on the publishing thread, never reaching the ring. */
    public long directRequests() {
        return directRequests.get();
    }

    public long handledEvents() {
        return handledEvents.get();
    }

    /** Events published but not yet handled. */
    /** Free slots in the router's ring (for metrics): 0 means publishers are being refused or made to wait. Any thread. */
    public long ringRemaining() {
        return ring.remainingCapacity();
    }

    public long backlog() {
        return ring.getBufferSize() - ring.remainingCapacity();
    }

    /** Waits until everything published so far is handled, then stops the router thread. */
    @Override
    public void close() {
        if (started && poller == null) {
            try {
                disruptor.shutdown(5, TimeUnit.SECONDS);
            } catch (com.lmax.disruptor.TimeoutException e) {
                LOG.warn("router did not drain within 5 s; halting");
                disruptor.halt();
            }
        }
    }

    private void checkNotStarted() {
        if (started) {
            throw new IllegalStateException("router already started");
        }
    }

    private void dispatch(RouterEvent event) {
        switch (event.kind) {
            case RouterEvent.REQUEST -> handleRequest(event.session, event.envelope);
            case RouterEvent.CONNECT -> {
                for (SessionListener listener : sessionListeners) {
                    listener.onConnect(event.session);
                }
            }
            case RouterEvent.DISCONNECT -> disconnect(event.session);
            case RouterEvent.TASK -> event.task.run();
            case RouterEvent.WAKE -> {
                // nothing: the batch it ends drains the overflows
            }
            default -> throw new IllegalStateException("unknown router event kind " + event.kind);
        }
    }

    /**
     * Router thread: a request another node of the cluster forwarded for one of its sessions (a
     * remote session), handled as a request of this node's own sockets.
     */
    public void handleForwarded(Session remote, Envelope envelope) {
        assert isRouterThread() : "forwarded request off the router thread";
        handleRequest(remote, envelope);
    }

    /**
     * Router thread: a remote session's socket closed on its node, or its node died; what it
     * held on this node (party and match memberships, matchmaker tickets) ends as for a socket
     * of this node's.
     */
    public void disconnectRemote(Session remote) {
        assert isRouterThread() : "remote disconnect off the router thread";
        disconnect(remote);
    }

    private void disconnect(Session session) {
        for (SessionListener listener : sessionListeners) {
            listener.onDisconnect(session);
        }
        tracker.untrackAll(session);
    }

    /**
     * End of every batch: the overflowed disconnects and tasks whose predecessors in the ring
     * are handled ({@code handled} is the last sequence handled). An entry offered after this
     * batch's events were claimed waits for a later batch, which its wake-up guarantees.
     */
    private void drainOverflows(long handled) {
        Overflowed entry;
        while ((entry = disconnectOverflow.relaxedPeek()) != null && entry.afterSequence() <= handled) {
            disconnectOverflow.relaxedPoll();
            try {
                disconnect(entry.session());
            } catch (RuntimeException e) {
                LOG.error("disconnect of {} failed", entry.session(), e);
            }
        }
        int limit = overflowSize; // what was there when we started, at most: the ring must not starve
        while (limit-- > 0 && (entry = overflow.peek()) != null && entry.afterSequence() <= handled) {
            overflow.poll();
            runTask(entry.task());
        }
        if (!overflow.isEmpty() || !disconnectOverflow.isEmpty()) {
            ring.tryPublishEvent(WAKE); // come back after what is ahead of them (or at the next batch)
        }
    }

    private static void runTask(Runnable task) {
        try {
            task.run();
        } catch (RuntimeException e) {
            // A failing task must not stop the single writer.
            LOG.error("router task failed", e);
        }
    }

    private void handleRequest(Session session, Envelope envelope) {
        try {
            dispatchRequest(session, envelope);
        } finally {
            // Every published request finishes exactly once: here, or in the callback of a
            // handler that deferred it (a durable write); the session may then read again.
            if (!session.takeFinishRequestLater()) {
                session.requestFinished();
            }
        }
    }

    private void dispatchRequest(Session session, Envelope envelope) {
        if (session.isClosed()) {
            return; // the disconnect follows in the ring; nobody is there to answer
        }
        RequestHandler handler = handlers[envelope.getMessageCase().getNumber()];
        if (handler == null) {
            session.send(Replies.error(envelope.getCid(), Error.Code.UNRECOGNIZED_PAYLOAD,
                    "Unrecognized message: '" + ClientMessages.jsonName(envelope.getMessageCase())
                            + "' is not supported by this server yet."));
            return;
        }
        try {
            handler.handle(session, envelope);
        } catch (RuntimeException e) {
            LOG.error("handler of {} failed for {}", envelope.getMessageCase(), session, e);
            session.send(Replies.error(envelope.getCid(), Error.Code.RUNTIME_EXCEPTION,
                    "Internal error handling " + ClientMessages.jsonName(envelope.getMessageCase()) + "."));
        }
    }

    private final class Consumer implements EventHandler<RouterEvent> {
        @Override
        public void onStart() {
            routerThread = Thread.currentThread();
            tracker.bindOwner(routerThread);
        }

        @Override
        public void onEvent(RouterEvent event, long sequence, boolean endOfBatch) {
            try {
                dispatch(event);
            } catch (RuntimeException e) {
                // A failing task or listener must not stop the single writer.
                LOG.error("router event of kind {} failed", event.kind, e);
            } finally {
                event.clear();
            }
            if (endOfBatch) {
                handledEvents.lazySet(sequence + 1);
                drainOverflows(sequence);
                for (int i = 0; i < endOfBatchActions.size(); i++) {
                    try {
                        endOfBatchActions.get(i).run();
                    } catch (RuntimeException e) {
                        LOG.error("end-of-batch action failed", e);
                    }
                }
            }
        }
    }

    private static final class LoggingExceptionHandler implements ExceptionHandler<RouterEvent> {
        @Override
        public void handleEventException(Throwable ex, long sequence, RouterEvent event) {
            LOG.error("router event {} failed", sequence, ex);
        }

        @Override
        public void handleOnStartException(Throwable ex) {
            LOG.error("router failed to start", ex);
        }

        @Override
        public void handleOnShutdownException(Throwable ex) {
            LOG.error("router failed to stop", ex);
        }
    }
}
