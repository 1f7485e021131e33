package io.gantry.core.session;

import com.heroiclabs.nakama.rtapi.Envelope;
import io.gantry.proto.WireFormat;
import org.jctools.queues.unpadded.MpscChunkedUnpaddedArrayQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One connected socket of a user.
 *
 * <p><b>Outbound.</b> Any thread may {@link #send} (router, match workers, RPC threads). Messages
 * go to a bounded multi-producer single-consumer queue (chunked: small while idle, growing to its
 * bound under bursts); the first message into an idle queue asks the connection to flush, and the
 * socket's thread drains everything queued so far and flushes once.
 *
 * <p><b>Flow control.</b> The session's <em>backlog</em> is what it still owes its client: the
 * messages queued plus the client's requests that were read but whose handling has not finished.
 * A request starts when the router's publish methods take it ({@link #requestStarted}) and
 * finishes when the router's handler returns ({@link #requestFinished}), or, for a handler that
 * answers after a durable write, when that write's callback runs ({@link #finishRequestLater}).
 * When the backlog reaches the high-water mark the socket thread stops reading the client's
 * requests ({@link #pauseReadsIfBehind}): they wait in the kernel's socket buffer and TCP pushes
 * back on the client. Reading resumes once the backlog is at or under the low-water mark
 * ({@link #resumeReadsIfCaughtUp}). A client that pipelines requests therefore never has more
 * than the high-water mark of them in the server, and what they produce for it stays far below
 * the queue's bound, however many it sends.
 *
 * <p><b>Slow consumers.</b> Broadcasts from other sessions keep arriving while reads are paused;
 * a client that reads them keeps its queue short. The queue's bound is a memory bound, sized
 * well above any burst the server hands a reading client (the transport's slow-consumer rule,
 * a socket that accepts no bytes for a deadline, catches clients that stopped reading long
 * before it). A message that finds the queue full is therefore not dropped: a gap in a stream
 * the client believes complete would be worse than a disconnect, so the session is closed as a
 * slow consumer (1008) and the client reconnects and catches up from history. Nobody else waits.
 *
 * <p>Fields marked "router thread" belong to the router's single writer and are never read
 * elsewhere; "socket thread" means the thread that owns the connection (a Netty event loop).
 */
public final class Session {

    /** Default high-water mark of the backlog (queued messages plus requests in flight). */
    public static final int DEFAULT_HIGH_WATER = 128;
    /** Default low-water mark of the backlog. */
    public static final int DEFAULT_LOW_WATER = 32;

    private static final Logger LOG = LoggerFactory.getLogger(Session.class);
    private static final VarHandle IN_FLIGHT;

    static {
        try {
            IN_FLIGHT = MethodHandles.lookup().findVarHandle(Session.class, "inFlight", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final String id;
    private final String userId;
    private final String username;
    private final Map<String, String> vars;
    private final WireFormat format;
    private final String lang;
    private final boolean appearOnline;
    private final long expiresAt;
    private final Connection connection;
    /** The node whose socket this is, for a remote session; null for this node's own sockets. */
    private final String node;
    /**
     * Unpadded: the padded queue spends about 500 bytes per socket keeping its indexes on separate
     * cache lines, which pays only between two busy threads; most sockets are idle, and a busy one
     * has one consumer (its event loop) and producers that mostly are one thread (the router).
     */
    private final MpscChunkedUnpaddedArrayQueue<Outbound> outbound;
    private final AtomicBoolean flushRequested = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final int highWater;
    private final int lowWater;
    /** Requests started and not yet finished; any thread, through {@link #IN_FLIGHT}. */
    @SuppressWarnings("unused")
    private volatile int inFlight;
    /** Whether the socket thread stopped reading; written by the socket thread only. */
    private volatile boolean readsPaused;
    /** Router thread: the handler running now finishes its request later. */
    private boolean finishLater;

    /** A session with the default water marks, scaled down for queues too small for them. */
    public Session(String id, String userId, String username, Map<String, String> vars, WireFormat format,
                   String lang, boolean appearOnline, long expiresAt, int outgoingQueueSize, Connection connection) {
        this(id, userId, username, vars, format, lang, appearOnline, expiresAt, outgoingQueueSize,
                Math.max(1, Math.min(DEFAULT_HIGH_WATER, outgoingQueueSize / 4)),
                Math.max(0, Math.min(DEFAULT_LOW_WATER, outgoingQueueSize / 16)), connection);
    }

    /**
     * @param outgoingQueueSize messages that may wait for this socket; one more closes it
     * @param highWater         backlog at which the socket stops reading requests; at most the queue size
     * @param lowWater          backlog at or under which it reads again; less than {@code highWater}
     */
    public Session(String id, String userId, String username, Map<String, String> vars, WireFormat format,
                   String lang, boolean appearOnline, long expiresAt, int outgoingQueueSize, int highWater,
                   int lowWater, Connection connection) {
        int bound = Math.max(16, outgoingQueueSize);
        if (highWater < 1 || lowWater < 0 || lowWater >= highWater || highWater > bound) {
            throw new IllegalArgumentException("need 0 <= lowWater < highWater <= queue size, got " + lowWater
                    + ", " + highWater + " and " + bound);
        }
        this.id = id;
        this.userId = userId;
        this.username = username;
        this.vars = Map.copyOf(vars);
        this.format = format;
        this.lang = lang;
        this.appearOnline = appearOnline;
        this.expiresAt = expiresAt;
        this.connection = connection;
        this.node = null;
        // Chunked: an idle socket holds a 16-slot array; a burst grows it up to the bound.
        this.outbound = new MpscChunkedUnpaddedArrayQueue<>(Math.min(16, bound / 2), bound);
        this.highWater = highWater;
        this.lowWater = lowWater;
    }

    /** A remote session: see {@link #remote}. */
    private Session(String id, String userId, String username, String node, int outgoingQueueSize, Connection connection) {
        this.id = id;
        this.userId = userId;
        this.username = username;
        this.vars = Map.of();
        this.format = WireFormat.PROTOBUF;
        this.lang = "";
        this.appearOnline = false;
        this.expiresAt = Long.MAX_VALUE;
        this.connection = connection;
        this.node = node;
        this.outbound = new MpscChunkedUnpaddedArrayQueue<>(16, Math.max(32, outgoingQueueSize));
        this.highWater = DEFAULT_HIGH_WATER;
        this.lowWater = DEFAULT_LOW_WATER;
    }

    /**
     * A session whose socket is on another node of the cluster, tracked so that the presences of
     * other nodes are members of this node's streams. What is sent to it goes to its connection,
     * which forwards it to the node (the cluster's {@code RemoteConnection}); it never reads.
     */
    public static Session remote(String id, String userId, String username, String node, int outgoingQueueSize,
                                 Connection connection) {
        return new Session(id, userId, username, java.util.Objects.requireNonNull(node, "node"), outgoingQueueSize,
                connection);
    }

    /** Whether this session's socket is on another node of the cluster. */
    public boolean isRemote() {
        return node != null;
    }

    /** The node whose socket this is: null for this node's own sockets. */
    public String node() {
        return node;
    }

    public String id() {
        return id;
    }

    public String userId() {
        return userId;
    }

    public String username() {
        return username;
    }

    public Map<String, String> vars() {
        return vars;
    }

    public WireFormat format() {
        return format;
    }

    public String lang() {
        return lang;
    }

    /** Whether the user connected with {@code status=true}. */
    public boolean appearOnline() {
        return appearOnline;
    }

    /** When the session token used to connect expires, in epoch seconds. */
    public long expiresAt() {
        return expiresAt;
    }

    /** This socket as other clients see it: user id, session id and username. */
    public com.heroiclabs.nakama.rtapi.UserPresence presence() {
        return com.heroiclabs.nakama.rtapi.UserPresence.newBuilder()
                .setUserId(userId)
                .setSessionId(id)
                .setUsername(username)
                .build();
    }

    public boolean isClosed() {
        return closed.get();
    }

    /**
     * Queues a message for this session. Any thread; never blocks. Returns false when the session
     * is closed or its queue is full, in which case the session is being closed as a slow consumer
     * (see the class comment for why a full queue closes rather than drops).
     */
    public boolean send(Outbound message) {
        if (closed.get()) {
            return false;
        }
        if (!outbound.offer(message)) {
            closeSlowConsumer("slow consumer: outgoing queue of " + outbound.capacity() + " messages is full");
            return false;
        }
        if (!flushRequested.get() && flushRequested.compareAndSet(false, true)) {
            connection.requestFlush(this);
        }
        return true;
    }

    public boolean send(Envelope envelope) {
        return send(Outbound.of(envelope));
    }

    /** Socket thread: the next queued message, or null. */
    public Outbound poll() {
        return outbound.relaxedPoll();
    }

    /**
     * Socket thread: called when a drain found the queue empty. Returns true when messages
     * arrived in the meantime and the caller must drain again.
     */
    public boolean flushDone() {
        flushRequested.set(false);
        return !outbound.isEmpty() && flushRequested.compareAndSet(false, true);
    }

    /** Messages waiting to be written. */
    public int queued() {
        return outbound.size();
    }

    /** The most messages that may wait; one more closes the session. */
    public int capacity() {
        return outbound.capacity();
    }

    // ---- flow control -----------------------------------------------------------------------

    /** Any thread publishing a request of this session to the router: one more in flight. */
    public void requestStarted() {
        IN_FLIGHT.getAndAdd(this, 1);
    }

    /**
     * The router, when the handler of a request returned (or whoever completes a request its
     * handler {@linkplain #finishRequestLater deferred}): one fewer in flight. If that brings a
     * paused session's backlog to its low-water mark, asks the socket thread to look (through the
     * same once-per-idle flush request as {@link #send}), so reading resumes even when the
     * request produced nothing for this client (match or party data). Any thread.
     */
    public void requestFinished() {
        int left = (int) IN_FLIGHT.getAndAdd(this, -1) - 1;
        // Reads the flag after the decrement (both volatile): either this sees the pause, or the
        // socket thread's re-check in pauseReadsIfBehind sees the decrement. No wake-up is lost.
        if (readsPaused && left + outbound.size() <= lowWater
                && !flushRequested.get() && flushRequested.compareAndSet(false, true)) {
            connection.requestFlush(this);
        }
    }

    /**
     * Router thread, inside a request handler: the request is answered later, from a callback
     * (a durable write); the router must not finish it when the handler returns. The callback
     * calls {@link #requestFinished} exactly once. Only for work that is sure to call back.
     */
    public void finishRequestLater() {
        finishLater = true;
    }

    /** Router thread, after a handler returned: whether it deferred finishing; clears the mark. */
    public boolean takeFinishRequestLater() {
        boolean later = finishLater;
        finishLater = false;
        return later;
    }

    /** Requests read from the client whose handling has not finished. */
    public int requestsInFlight() {
        return (int) IN_FLIGHT.getVolatile(this);
    }

    /** What the session still owes its client: queued messages plus requests in flight. */
    public int backlog() {
        return outbound.size() + requestsInFlight();
    }

    /**
     * Socket thread, after handing a request to the router: true when the backlog reached the
     * high-water mark and the caller must stop reading the socket now.
     */
    public boolean pauseReadsIfBehind() {
        if (readsPaused || backlog() < highWater) {
            return false;
        }
        readsPaused = true;
        // Re-check after publishing the flag: a requestFinished that ran before it could not see
        // the pause and woke nobody.
        if (backlog() <= lowWater) {
            readsPaused = false;
            return false;
        }
        return true;
    }

    /**
     * Socket thread, after a drain while the socket is writable: true when reads were paused and
     * the backlog is at or under the low-water mark, and the caller must read again.
     */
    public boolean resumeReadsIfCaughtUp() {
        if (!readsPaused || backlog() > lowWater) {
            return false;
        }
        readsPaused = false;
        return true;
    }

    /** Whether the socket thread has stopped reading this client's requests. Any thread. */
    public boolean readsPaused() {
        return readsPaused;
    }

    public int highWater() {
        return highWater;
    }

    public int lowWater() {
        return lowWater;
    }

    /** Closes the socket; idempotent. Any thread. */
    public void close(int closeCode, String reason) {
        if (closed.compareAndSet(false, true)) {
            connection.close(closeCode, reason);
        }
    }

    /**
     * Closes the socket with 1008 and logs why, once: the client does not read what it is sent.
     * Any thread.
     */
    public void closeSlowConsumer(String reason) {
        if (closed.compareAndSet(false, true)) {
            LOG.info("{} closed as a slow consumer: {} ({} requests in flight, reads {})", this, reason,
                    requestsInFlight(), readsPaused ? "paused" : "on");
            connection.close(CloseCodes.POLICY_VIOLATION, reason);
        }
    }

    /** Marks the session closed after its socket closed by itself. Transport thread. */
    public void markClosed() {
        closed.set(true);
    }

    @Override
    public String toString() {
        return "Session[" + id + " user=" + userId + "]";
    }
}
