package io.gantry.server.testing;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.protobuf.InvalidProtocolBufferException;
import com.heroiclabs.nakama.rtapi.Envelope;
import io.gantry.proto.EnvelopeCodec;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * A real WebSocket client (the JDK's) for tests: sends text or binary frames and collects what
 * the server sends, as raw text/bytes and as decoded envelopes. Every wait has a timeout.
 */
public final class WsClient implements AutoCloseable {

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

        public JsonObject json() {
            return JsonParser.parseString(text).getAsJsonObject();
        }
    }

    public static final Duration TIMEOUT = Duration.ofSeconds(5);

    private final WebSocket socket;
    private final LinkedBlockingQueue<Frame> frames = new LinkedBlockingQueue<>();
    private final CompletableFuture<Integer> closeCode = new CompletableFuture<>();
    private volatile String closeReason = "";
    private final AtomicInteger cid = new AtomicInteger();

    private WsClient(WebSocket socket) {
        this.socket = socket;
    }

    /** Connects or throws {@link CompletionException} (e.g. a refused upgrade). */
    public static WsClient connect(URI uri) {
        Listener listener = new Listener();
        WebSocket socket = HttpClient.newHttpClient().newWebSocketBuilder()
                .connectTimeout(TIMEOUT)
                .buildAsync(uri, listener)
                .orTimeout(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                .join();
        WsClient client = new WsClient(socket);
        listener.client = client;
        synchronized (listener) {
            client.frames.addAll(listener.early);
            listener.early.clear();
        }
        return client;
    }

    /** The next cid, as a string. */
    public String nextCid() {
        return Integer.toString(cid.incrementAndGet());
    }

    public void sendText(String text) {
        socket.sendText(text, true).orTimeout(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).join();
    }

    public void sendBinary(byte[] bytes) {
        socket.sendBinary(ByteBuffer.wrap(bytes), true).orTimeout(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).join();
    }

    /** Sends an envelope as JSON. */
    public void send(Envelope envelope) {
        sendText(new String(EnvelopeCodec.encodeJson(envelope), StandardCharsets.UTF_8));
    }

    public void sendProtobuf(Envelope envelope) {
        sendBinary(EnvelopeCodec.encodeBinary(envelope));
    }

    /** The next frame, failing the test after the timeout. */
    public Frame next() {
        try {
            Frame frame = frames.poll(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            if (frame == null) {
                throw new AssertionError("no message from the server within " + TIMEOUT);
            }
            return frame;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    public Envelope nextEnvelope() {
        return next().envelope();
    }

    /** The next envelope that matches, skipping others; fails after the timeout. */
    public Envelope awaitEnvelope(Predicate<Envelope> match) {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        List<Envelope> skipped = new ArrayList<>();
        while (System.nanoTime() < deadline) {
            try {
                Frame frame = frames.poll(Math.max(1, (deadline - System.nanoTime()) / 1_000_000), TimeUnit.MILLISECONDS);
                if (frame == null) {
                    break;
                }
                Envelope envelope = frame.envelope();
                if (match.test(envelope)) {
                    return envelope;
                }
                skipped.add(envelope);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
        throw new AssertionError("no matching message within " + TIMEOUT + "; skipped " + skipped);
    }

    /** Asserts nothing arrives for a while (for "X is not told" checks). */
    public void expectSilence(Duration duration) {
        try {
            Frame frame = frames.poll(duration.toMillis(), TimeUnit.MILLISECONDS);
            if (frame != null) {
                throw new AssertionError("expected no message, got " + (frame.text() != null ? frame.text() : frame.envelope()));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
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

    @Override
    public void close() {
        if (!socket.isOutputClosed()) {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").exceptionally(e -> null);
        }
        socket.abort();
    }

    private static final class Listener implements WebSocket.Listener {
        volatile WsClient client;
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
