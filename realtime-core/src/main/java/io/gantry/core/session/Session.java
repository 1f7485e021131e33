package io.gantry.core.session;

import com.heroiclabs.nakama.rtapi.Envelope;
import io.gantry.proto.WireFormat;
import org.jctools.queues.MpscChunkedArrayQueue;

import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One connected socket of a user.
 *
 * <p>Outbound: any thread may {@link #send} (router, match workers, RPC threads). Messages go to
 * a bounded multi-producer single-consumer queue (chunked: small while idle, growing to its
 * bound under bursts); the first message into an idle queue asks the
 * connection to flush, and the socket's event loop drains everything queued so far and flushes
 * once. A queue that is full means the client is not reading: the session is closed as a slow
 * consumer, and nobody else waits for it.
 *
 * <p>Fields marked "router thread" belong to the router's single writer and are never read
 * elsewhere.
 */
public final class Session {

    private final String id;
    private final String userId;
    private final String username;
    private final Map<String, String> vars;
    private final WireFormat format;
    private final String lang;
    private final boolean appearOnline;
    private final long expiresAt;
    private final Connection connection;
    private final MpscChunkedArrayQueue<Outbound> outbound;
    private final AtomicBoolean flushRequested = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();

    public Session(String id, String userId, String username, Map<String, String> vars, WireFormat format,
                   String lang, boolean appearOnline, long expiresAt, int outgoingQueueSize, Connection connection) {
        this.id = id;
        this.userId = userId;
        this.username = username;
        this.vars = Map.copyOf(vars);
        this.format = format;
        this.lang = lang;
        this.appearOnline = appearOnline;
        this.expiresAt = expiresAt;
        this.connection = connection;
        // Chunked: an idle socket holds a 16-slot array; a burst grows it up to the bound.
        int bound = Math.max(16, outgoingQueueSize);
        this.outbound = new MpscChunkedArrayQueue<>(Math.min(16, bound / 2), bound);
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
     * Queues a message for this session. Any thread. Returns false when the session is closed or
     * its queue is full, in which case the session is being closed as a slow consumer.
     */
    public boolean send(Outbound message) {
        if (closed.get()) {
            return false;
        }
        if (!outbound.offer(message)) {
            close(CloseCodes.POLICY_VIOLATION, "slow consumer: outgoing queue of " + outbound.capacity() + " messages is full");
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

    /** Closes the socket; idempotent. Any thread. */
    public void close(int closeCode, String reason) {
        if (closed.compareAndSet(false, true)) {
            connection.close(closeCode, reason);
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
