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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The single writer of realtime state. Every client request, session connect and disconnect,
 * and every command from another thread goes through one Disruptor ring and is handled by one
 * consumer thread, which alone owns the {@link PresenceTracker} and the state of channels,
 * relayed matches, parties and status. Nothing it owns needs a lock.
 *
 * <p>Producers: socket event loops publish requests with {@link #publishRequest}, which never
 * blocks (a full ring is answered with an error); lifecycle events and tasks may wait for space
 * because losing them would leave stale presences.
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
    private static final EventTranslatorOneArg<RouterEvent, Runnable> TASK = (event, seq, task) -> {
        event.kind = RouterEvent.TASK;
        event.task = task;
    };

    private final Disruptor<RouterEvent> disruptor;
    private final RingBuffer<RouterEvent> ring;
    private final Consumer consumer = new Consumer();
    /** Non-null when the caller drives the router ({@link #drivenByCaller}). */
    private final EventPoller<RouterEvent> poller;
    private final RequestHandler[] handlers = new RequestHandler[Envelope.MessageCase.values().length + 64];
    private final List<SessionListener> sessionListeners = new ArrayList<>();
    private final List<Runnable> endOfBatchActions = new ArrayList<>();
    private final PresenceTracker tracker = new PresenceTracker();
    private final AtomicLong rejectedRequests = new AtomicLong();
    private final AtomicLong handledEvents = new AtomicLong();
    private volatile Thread routerThread;
    private volatile boolean started;

    /**
     * @param ringSize a power of two: how many events may wait for the router
     */
    public Router(int ringSize) {
        this(ringSize, PhasedBackoffWaitStrategy.withLiteLock(20, 100, TimeUnit.MICROSECONDS));
    }

    public Router(int ringSize, WaitStrategy waitStrategy) {
        this(ringSize, waitStrategy, false);
    }

    private Router(int ringSize, WaitStrategy waitStrategy, boolean drivenByCaller) {
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
        return new Router(ringSize, new com.lmax.disruptor.BlockingWaitStrategy(), true);
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

    /**
     * Hands a request to the router, waiting for ring space. For server-side producers that must
     * not drop work (and for benchmarks); socket event loops use {@link #publishRequest}.
     */
    public void publishRequestWaiting(Session session, Envelope envelope) {
        session.requestStarted();
        ring.publishEvent(REQUEST, session, envelope);
    }

    /** A session opened; waits for ring space rather than lose the event. Any thread. */
    public void publishConnect(Session session) {
        ring.publishEvent(CONNECT, session);
    }

    /** A session closed; waits for ring space rather than lose the event. Any thread. */
    public void publishDisconnect(Session session) {
        ring.publishEvent(DISCONNECT, session);
    }

    /** Runs a task on the router thread, waiting for ring space if needed. Any thread. */
    public void execute(Runnable task) {
        ring.publishEvent(TASK, task);
    }

    /** Runs a task on the router thread if there is room now. Any thread. */
    public boolean tryExecute(Runnable task) {
        return ring.tryPublishEvent(TASK, task);
    }

    public boolean isRouterThread() {
        return Thread.currentThread() == routerThread;
    }

    /** Requests refused because the ring was full, since start. */
    public long rejectedRequests() {
        return rejectedRequests.get();
    }

    /** Events handled since start. */
    public long handledEvents() {
        return handledEvents.get();
    }

    /** Events published but not yet handled. */
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
            case RouterEvent.DISCONNECT -> {
                Session session = event.session;
                for (SessionListener listener : sessionListeners) {
                    listener.onDisconnect(session);
                }
                tracker.untrackAll(session);
            }
            case RouterEvent.TASK -> event.task.run();
            default -> throw new IllegalStateException("unknown router event kind " + event.kind);
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
