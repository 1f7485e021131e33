package io.gantry.server.testing;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.protobuf.InvalidProtocolBufferException;
import com.heroiclabs.nakama.rtapi.Envelope;
import com.heroiclabs.nakama.rtapi.Ping;
import com.heroiclabs.nakama.rtapi.Connect;
import com.heroiclabs.nakama.rtapi.Disconnect;
import io.gantry.client.TcpClient;
import io.gantry.client.TcpSocket;
import io.gantry.proto.EnvelopeCodec;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * The socket test client, over either transport: a real WebSocket client (the JDK's) that sends
 * text or binary frames (envelopes as JSON or protobuf, or any raw frame for bad-input tests), or
 * a TCP connection through Gantry's own client ({@link TcpClient}) that sends length-prefixed
 * protobuf envelopes. It collects what the server sends, as raw text/bytes and as decoded
 * envelopes. Every wait has a timeout.
 *
 * <p>Scenarios run unchanged over TCP: JSON that a test sends is translated into the same
 * envelope in protobuf (JSON that does not translate, such as deliberately bad input, is a
 * WebSocket-only test and fails loudly), and {@link Frame#json()} shows a received protobuf
 * envelope in the JSON wire form the server would have sent on a JSON socket. The close code and
 * reason of a TCP connection are those of the server's {@code disconnect} frame (1006 when the
 * connection ended without one), as a WebSocket's are those of its close frame.
 *
 * <p>Waits that look for one frame ({@link #awaitFrame}, {@link #awaitEnvelope}) keep the frames
 * they pass over, in order, for later waits and reads, so no event is lost between assertions.
 *
 * <p>"Nothing (else) arrives" is proven with a {@link #barrier()}, never with a quiet window: a
 * ping with a fresh cid goes through the router behind everything this socket sent before it, and
 * a socket's frames arrive in order, so its pong comes after every frame the server had queued for
 * this socket when it answered. To prove that another client's request caused nothing here, first
 * make sure the server has processed that request (its reply, or the sender's own barrier), then
 * call the barrier on this socket: the router handles messages in order of arrival, so the ping is
 * answered after any broadcast of the earlier request. (Work that leaves the router, such as an
 * authoritative match's handler, needs its own proof that it ran.)
 *
 * <p>Not thread-safe: one test thread reads it.
 */
public final class SocketClient implements AutoCloseable {

    /** One frame received. Exactly one of text and binary is set. */
    public record Frame(String text, byte[] binary) {
        public Envelope envelope() {
            try {
                if (binary != null) {
                    return Envelope.parseFrom(binary);
                }
                Envelope.Builder builder = Envelope.newBuilder();
                com.google.protobuf.util.JsonFormat.parser().merge(text, builder);
                return builder.build();
            } catch (InvalidProtocolBufferException e) {
                throw new AssertionError("server sent an undecodable frame: " + text, e);
            }
        }

        /**
         * The frame as JSON (the wire form: proto field names, wrappers as bare values): a text
         * frame as it is, a protobuf frame as the server encodes that envelope for JSON sockets.
         */
        public JsonObject json() {
            return JsonParser.parseString(text != null ? text : EnvelopeCodec.toJson(envelope())).getAsJsonObject();
        }
    }

    public static final Duration TIMEOUT = Duration.ofSeconds(5);

    /** One shared event loop for every TCP connection the tests open. */
    private static final TcpClient TCP = TcpClient.create();

    /** The transport underneath: what it takes to send and to drop the connection. */
    private interface Link {
        void sendText(String text);

        void sendBinary(byte[] bytes);

        /** A normal close from the client's side. */
        void close();

        /** Drops the connection without closing it properly. */
        void abort();
    }

    private Link link;
    /** The socket's format: envelopes sent by {@link #sendEnvelope} and the barrier use it. */
    private final boolean protobuf;
    /** Filled by the JDK's listener thread. */
    private final LinkedBlockingQueue<Frame> frames = new LinkedBlockingQueue<>();
    /** Frames a wait passed over, oldest first; read before {@link #frames}. Test thread only. */
    private final ArrayDeque<Frame> kept = new ArrayDeque<>();
    private final CompletableFuture<Integer> closeCode = new CompletableFuture<>();
    private volatile String closeReason = "";
    private final AtomicInteger cid = new AtomicInteger();
    private final AtomicInteger barriers = new AtomicInteger();
    /** WebSocket pings from the server (the JDK answers each with a pong). */
    private final AtomicInteger pings = new AtomicInteger();

    private SocketClient(boolean protobuf) {
        this.protobuf = protobuf;
    }

    /** Opens a WebSocket or throws {@link CompletionException} (e.g. a refused upgrade). */
    public static SocketClient connect(URI uri) {
        Listener listener = new Listener();
        WebSocket socket = HttpClient.newHttpClient().newWebSocketBuilder()
                .connectTimeout(TIMEOUT)
                .buildAsync(uri, listener)
                .orTimeout(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                .join();
        String query = uri.getRawQuery() == null ? "" : "&" + uri.getRawQuery();
        SocketClient client = new SocketClient(query.contains("&format=protobuf"));
        client.link = new WebSocketLink(socket);
        listener.client = client;
        synchronized (listener) {
            client.frames.addAll(listener.early);
            listener.early.clear();
        }
        return client;
    }

    /**
     * Opens a TCP connection on the server's TCP port and sends its {@code connect}; returns once
     * it is answered with {@code connected}, or throws {@link CompletionException} (e.g. a refused
     * token, with the {@link io.gantry.client.TcpConnectException} as its cause).
     */
    public static SocketClient connectTcp(int tcpPort, String token, boolean status, String lang) {
        SocketClient client = new SocketClient(true);
        TcpSocket socket = TCP.connectRaw("127.0.0.1", tcpPort,
                Connect.newBuilder().setToken(token).setStatus(status).setLang(lang).build(),
                new TcpSocket.FrameListener() {
                    @Override
                    public void onFrame(TcpSocket s, ByteBuf frame) {
                        client.frames.add(new Frame(null, ByteBufUtil.getBytes(frame)));
                    }

                    @Override
                    public void onDisconnect(TcpSocket s, Disconnect disconnect) {
                        client.closeReason = disconnect.getReason();
                        client.closeCode.complete(disconnect.getCode());
                    }
                })
                .orTimeout(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                .join();
        client.link = new TcpLink(socket);
        return client;
    }

    /** The next cid, as a string. */
    public String nextCid() {
        return Integer.toString(cid.incrementAndGet());
    }

    /** A text frame on a WebSocket; on TCP, the same envelope as a protobuf frame (see the class comment). */
    public void sendText(String text) {
        link.sendText(text);
    }

    /** A binary frame on a WebSocket, a frame of these bytes (length-prefixed) on TCP. */
    public void sendBinary(byte[] bytes) {
        link.sendBinary(bytes);
    }

    /** Sends an envelope as JSON (a text frame), whatever the socket's format; on TCP, as protobuf. */
    public void send(Envelope envelope) {
        sendText(new String(EnvelopeCodec.encodeJson(envelope), StandardCharsets.UTF_8));
    }

    /** Sends an envelope as protobuf (a binary frame), whatever the socket's format. */
    public void sendProtobuf(Envelope envelope) {
        sendBinary(EnvelopeCodec.encodeBinary(envelope));
    }

    /** Sends an envelope in the socket's format ({@code format=protobuf} in its URI: binary; else JSON). */
    public void sendEnvelope(Envelope envelope) {
        if (protobuf) {
            sendProtobuf(envelope);
        } else {
            send(envelope);
        }
    }

    /**
     * Sends a request with a fresh cid in the socket's format and returns the envelope that
     * carries that cid; frames before it stay kept for later waits.
     */
    public Envelope request(Envelope.Builder request) {
        String id = nextCid();
        sendEnvelope(request.setCid(id).build());
        return awaitEnvelope(e -> e.getCid().equals(id), "the reply to cid " + id);
    }

    /** The next frame (kept ones first), failing the test after the timeout. */
    public Frame next() {
        Frame frame = kept.pollFirst();
        return frame != null ? frame : poll("no message from the server within " + TIMEOUT);
    }

    public Envelope nextEnvelope() {
        return next().envelope();
    }

    /** The first frame, kept or new, that matches; the frames it passes over stay kept, in order. */
    public Frame awaitFrame(Predicate<Frame> match, String what) {
        return awaitFrame(match, what, TIMEOUT);
    }

    /** As {@link #awaitFrame(Predicate, String)}, for something known to take longer than {@link #TIMEOUT}. */
    public Frame awaitFrame(Predicate<Frame> match, String what, Duration timeout) {
        for (Iterator<Frame> it = kept.iterator(); it.hasNext(); ) {
            Frame frame = it.next();
            if (match.test(frame)) {
                it.remove();
                return frame;
            }
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        List<Frame> skipped = new ArrayList<>();
        try {
            while (true) {
                Frame frame = poll(deadline - System.nanoTime());
                if (frame == null) {
                    throw new AssertionError("no " + what + " within " + timeout + "; passed over " + describe(skipped));
                }
                if (match.test(frame)) {
                    return frame;
                }
                skipped.add(frame);
            }
        } finally {
            kept.addAll(skipped);
        }
    }

    /** The first envelope, kept or new, that matches; the others stay kept, in order. */
    public Envelope awaitEnvelope(Predicate<Envelope> match, String what) {
        return awaitFrame(frame -> match.test(frame.envelope()), what).envelope();
    }

    public Envelope awaitEnvelope(Predicate<Envelope> match) {
        return awaitEnvelope(match, "matching message");
    }

    /** The first envelope of this type, kept or new; the others stay kept. */
    public Envelope awaitEnvelope(Envelope.MessageCase type) {
        return awaitEnvelope(e -> e.getMessageCase() == type, type.toString());
    }

    /**
     * Sends a ping with a fresh cid and waits for its pong; returns every frame received before
     * the pong that no wait had consumed (kept ones first), and consumes them. When it returns,
     * everything the server had queued for this socket before it answered the ping is in the list.
     */
    public List<Frame> barrier() {
        String id = "barrier-" + barriers.incrementAndGet();
        sendEnvelope(Envelope.newBuilder().setCid(id).setPing(Ping.getDefaultInstance()).build());
        List<Frame> before = new ArrayList<>(kept);
        kept.clear();
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (true) {
            Frame frame = poll(deadline - System.nanoTime());
            if (frame == null) {
                throw new AssertionError("no pong to " + id + " within " + TIMEOUT + "; got " + describe(before));
            }
            Envelope envelope = frame.envelope();
            if (envelope.hasPong() && envelope.getCid().equals(id)) {
                return before;
            }
            before.add(frame);
        }
    }

    /** {@link #barrier()} as envelopes. */
    public List<Envelope> barrierEnvelopes() {
        return barrier().stream().map(Frame::envelope).toList();
    }

    /** Asserts that nothing is kept and nothing arrived before the pong of a {@link #barrier()}. */
    public void assertNothingElse() {
        List<Frame> unread = barrier();
        if (!unread.isEmpty()) {
            throw new AssertionError("expected no other message, got " + describe(unread));
        }
    }

    /**
     * For a socket the server has closed ({@link #awaitClose()} returned): asserts that no frame is
     * left unread. The close frame is the last thing a server sends, and frames are delivered in
     * order, so nothing can arrive after it; no barrier is possible on a closed socket.
     */
    public void assertNothingUnread() {
        if (!isClosed()) {
            throw new AssertionError("the socket is open: use assertNothingElse()");
        }
        List<Frame> unread = new ArrayList<>(kept);
        frames.drainTo(unread);
        kept.clear();
        if (!unread.isEmpty()) {
            throw new AssertionError("expected no other message, got " + describe(unread));
        }
    }

    /**
     * Asserts nothing arrives for a while.
     *
     * @deprecated a quiet window proves nothing on a slow machine; use {@link #assertNothingElse()}
     */
    @Deprecated
    public void expectSilence(Duration duration) {
        if (!kept.isEmpty()) {
            throw new AssertionError("expected no message, had " + describe(List.copyOf(kept)));
        }
        Frame frame = poll(duration.toNanos());
        if (frame != null) {
            throw new AssertionError("expected no message, got " + describe(List.of(frame)));
        }
    }

    /** The close code the server sent, waiting for it. */
    public int awaitClose() {
        try {
            return closeCode.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            throw new AssertionError("socket not closed by the server within " + TIMEOUT, e);
        }
    }

    public String closeReason() {
        return closeReason;
    }

    public boolean isClosed() {
        return closeCode.isDone();
    }

    /**
     * How many keep-alive pings the server has sent so far (WebSocket pings, answered by the JDK;
     * on TCP {@code ping} envelopes, answered by {@link TcpSocket}). Any thread.
     */
    public int pingsReceived() {
        return link instanceof TcpLink tcp ? tcp.socket.pingsReceived() : pings.get();
    }

    /** Drops the connection without a close frame: the server sees a disconnect. */
    public void abort() {
        link.abort();
    }

    private Frame poll(String failure) {
        Frame frame = poll(TIMEOUT.toNanos());
        if (frame == null) {
            throw new AssertionError(failure);
        }
        return frame;
    }

    /** The next new frame within {@code nanos}, or null. */
    private Frame poll(long nanos) {
        try {
            return frames.poll(Math.max(0, nanos), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static String describe(List<Frame> frames) {
        List<String> texts = new ArrayList<>();
        for (Frame frame : frames) {
            texts.add(frame.text() != null ? frame.text() : frame.envelope().toString());
        }
        return texts.toString();
    }

    @Override
    public void close() {
        link.close();
    }

    private record WebSocketLink(WebSocket socket) implements Link {
        @Override
        public void sendText(String text) {
            socket.sendText(text, true).orTimeout(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).join();
        }

        @Override
        public void sendBinary(byte[] bytes) {
            socket.sendBinary(ByteBuffer.wrap(bytes), true).orTimeout(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).join();
        }

        @Override
        public void close() {
            if (!socket.isOutputClosed()) {
                socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").exceptionally(e -> null);
            }
            socket.abort();
        }

        @Override
        public void abort() {
            socket.abort();
        }
    }

    private record TcpLink(TcpSocket socket) implements Link {
        @Override
        public void sendText(String text) {
            Envelope.Builder envelope = Envelope.newBuilder();
            try {
                com.google.protobuf.util.JsonFormat.parser().merge(text, envelope);
            } catch (InvalidProtocolBufferException | RuntimeException e) {
                throw new UnsupportedOperationException("a TCP connection carries protobuf envelopes only, and this "
                        + "JSON is no envelope (a WebSocket-only test?): " + text, e);
            }
            sendBinary(envelope.build().toByteArray());
        }

        @Override
        public void sendBinary(byte[] bytes) {
            socket.sendFrame(bytes).awaitUninterruptibly(TIMEOUT.toMillis());
        }

        @Override
        public void close() {
            socket.close();
        }

        @Override
        public void abort() {
            socket.abort();
        }
    }

    private static final class Listener implements WebSocket.Listener {
        volatile SocketClient client;
        final List<Frame> early = new ArrayList<>();
        private final StringBuilder text = new StringBuilder();
        private java.io.ByteArrayOutputStream binary = new java.io.ByteArrayOutputStream();

        private synchronized void deliver(Frame frame) {
            if (client == null) {
                early.add(frame);
            } else {
                client.frames.add(frame);
            }
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                deliver(new Frame(text.toString(), null));
                text.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
            byte[] chunk = new byte[data.remaining()];
            data.get(chunk);
            binary.writeBytes(chunk);
            if (last) {
                deliver(new Frame(null, binary.toByteArray()));
                binary = new java.io.ByteArrayOutputStream();
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onPing(WebSocket webSocket, ByteBuffer message) {
            awaitClient();
            client.pings.incrementAndGet();
            return WebSocket.Listener.super.onPing(webSocket, message); // asks for more; the JDK sends the pong
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            awaitClient();
            client.closeReason = reason;
            client.closeCode.complete(statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            awaitClient();
            client.closeCode.complete(-1);
        }

        private void awaitClient() {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (client == null && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
        }
    }
}
