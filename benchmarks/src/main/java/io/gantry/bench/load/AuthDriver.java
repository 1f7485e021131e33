package io.gantry.bench.load;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseDecoder;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ByteProcessor;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The {@code auth} scenario's driver: device authentications on keep-alive HTTP/1.1 connections
 * spread over the generator's event loops, pipelined (each connection keeps a FIFO of its requests'
 * send times; HTTP/1.1 answers in order).
 *
 * <p>Every request is prepared once per device (request line, headers and body in one read-only
 * buffer, sent as a duplicate: a send allocates one small object). Replies go through Netty's
 * {@link HttpResponseDecoder} without aggregation; a 200 counts only if its body carries exactly
 * one {@code "token":} field (the refresh token's {@code "refresh_token":} does not match), counted
 * by a matcher over the content as it arrives. Anything else is an error by status, with the
 * start of its body as the example.
 *
 * <p>Two ways to send: {@link #startClosed} (C requests in flight; a reply is followed at once by
 * the next request on its connection) and {@link #startOpen} (a ticker per event loop sends every
 * request whose intended time has come, round-robin over that loop's connections with at most
 * {@code maxPipeline} in flight on each; a request that finds every connection full waits and its
 * latency still counts from its intended time).
 *
 * <p>Threads: a connection's fields, and its loop's, are touched only on that event loop;
 * {@link #open}, {@link #setup}, the starts and {@link #stop} hand work to the loops and wait.
 */
final class AuthDriver {
    /** The most requests in flight on one connection. */
    static final int MAX_PIPELINE = 1024;

    private final BenchClient client;
    private final Stats stats;
    private final InetSocketAddress remote;
    /** One prepared request per device: read-only, never released, sent as duplicates. */
    private final ByteBuf[] requests;
    private final Loop[] loops;
    private final Conn[] conns;
    /** Replies that counted (200 with a token) and those that did not, in any phase. */
    final LongAdder ok = new LongAdder();
    final LongAdder failed = new LongAdder();
    /** Set-up: counts down once per reply or loss. */
    private volatile CountDownLatch setupDone;

    AuthDriver(BenchClient client, String host, int port, String serverKey, int connections, List<String> devices) {
        this.client = client;
        this.stats = client.stats;
        this.remote = new InetSocketAddress(host, port);
        this.requests = prepare(Auth.hostForUri(host) + ":" + port, serverKey, devices);
        List<Loop> ls = new ArrayList<>();
        for (var e : client.group) {
            ls.add(new Loop(ls.size(), (EventLoop) e));
        }
        this.loops = ls.toArray(Loop[]::new);
        this.conns = new Conn[connections];
        List<List<Conn>> byLoop = new ArrayList<>();
        for (int i = 0; i < loops.length; i++) {
            byLoop.add(new ArrayList<>());
        }
        for (int k = 0; k < connections; k++) {
            Loop l = loops[k % loops.length];
            conns[k] = new Conn(k, l);
            byLoop.get(l.index).add(conns[k]);
        }
        for (Loop l : loops) {
            l.conns = byLoop.get(l.index).toArray(Conn[]::new);
        }
    }

    /** Device ids {@code <prefix>-auth-<000001>}: 10 bytes or more as Nakama requires. */
    static List<String> devices(String prefix, int n) {
        List<String> ids = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            ids.add(String.format("%s-auth-%06d", prefix, i));
        }
        return ids;
    }

    /** The bytes of one device's request: head and body. */
    static byte[] request(String hostHeader, String basic, String deviceId) {
        String body = "{\"id\":\"" + deviceId + "\"}";
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        String head = "POST /v2/account/authenticate/device?create=true HTTP/1.1\r\n"
                + "Host: " + hostHeader + "\r\n"
                + "Authorization: " + basic + "\r\n"
                + "Content-Type: application/json\r\n"
                + "Content-Length: " + b.length + "\r\n\r\n";
        byte[] h = head.getBytes(StandardCharsets.US_ASCII);
        byte[] all = new byte[h.length + b.length];
        System.arraycopy(h, 0, all, 0, h.length);
        System.arraycopy(b, 0, all, h.length, b.length);
        return all;
    }

    private static ByteBuf[] prepare(String hostHeader, String serverKey, List<String> devices) {
        String basic = "Basic " + Base64.getEncoder().encodeToString((serverKey + ":").getBytes(StandardCharsets.UTF_8));
        ByteBuf[] out = new ByteBuf[devices.size()];
        for (int i = 0; i < out.length; i++) {
            byte[] r = request(hostHeader, basic, devices.get(i));
            ByteBuf b = Unpooled.directBuffer(r.length, r.length).writeBytes(r);
            out[i] = Unpooled.unreleasableBuffer(b.asReadOnly());
        }
        return out;
    }

    /** Opens every connection; returns how many opened. Failures are recorded in the stats. */
    int open(long timeoutMs) throws InterruptedException {
        CountDownLatch done = new CountDownLatch(conns.length);
        AtomicInteger opened = new AtomicInteger();
        for (Conn c : conns) {
            c.loop.loop.execute(() -> c.connect(okay -> {
                if (okay) {
                    opened.incrementAndGet();
                }
                done.countDown();
            }));
        }
        if (!done.await(timeoutMs, TimeUnit.MILLISECONDS)) {
            stats.error("connect: timeout", "HTTP connections not all open after " + timeoutMs + " ms");
        }
        return opened.get();
    }

    /**
     * Authenticates every device once (creating the missing accounts), one request in flight per
     * open connection. Returns how many were not answered 200 with a token (0: all were); the
     * answered counts are reset afterwards.
     */
    long setup(long timeoutMs) throws InterruptedException {
        CountDownLatch done = new CountDownLatch(requests.length);
        setupDone = done;
        AtomicInteger next = new AtomicInteger();
        long okBefore = ok.sum();
        for (Loop l : loops) {
            l.loop.execute(() -> {
                l.setupNext = next;
                for (Conn c : l.conns) {
                    c.setupSend();
                }
            });
        }
        if (!done.await(timeoutMs, TimeUnit.MILLISECONDS)) {
            stats.error("auth: set-up timeout", "the set-up did not finish in " + timeoutMs + " ms");
        }
        for (Loop l : loops) {
            l.loop.submit(() -> l.setupNext = null).await(5, TimeUnit.SECONDS);
        }
        setupDone = null;
        long good = ok.sum() - okBefore;
        ok.reset();
        failed.reset();
        return requests.length - good;
    }

    /**
     * Closed loop from {@code startNs}: {@code inFlight} requests, spread over the connections
     * (connection k gets {@code inFlight / n}, the first {@code inFlight % n} one more); each reply
     * before {@code stopNs} is followed by the next request on its connection.
     */
    void startClosed(int inFlight, long startNs, long stopNs) {
        int n = conns.length;
        for (Loop l : loops) {
            l.loop.schedule(() -> {
                l.stopNs = stopNs;
                l.closed = true;
                l.running = true;
                for (Conn c : l.conns) {
                    int depth = inFlight / n + (c.index < inFlight % n ? 1 : 0);
                    long now = System.nanoTime();
                    for (int i = 0; i < depth && c.ch != null; i++) {
                        c.send(l.nextDevice(), now);
                    }
                }
            }, Math.max(0, startNs - System.nanoTime()), TimeUnit.NANOSECONDS);
        }
    }

    /**
     * Open loop from {@code startNs} to {@code stopNs} at {@code rate} requests/s in total: loop j
     * of L sends its i-th request at {@code startNs + (j + i L) / rate}, checking every
     * {@code tickMicros} and whenever a reply frees a connection.
     */
    void startOpen(double rate, long tickMicros, int maxPipeline, long startNs, long stopNs) {
        double periodNs = 1e9 / rate;
        for (Loop l : loops) {
            l.loop.execute(() -> {
                l.stopNs = stopNs;
                l.closed = false;
                l.running = true;
                l.maxPipeline = maxPipeline;
                l.firstDue = startNs + (long) (l.index * periodNs);
                l.loopPeriodNs = periodNs * loops.length;
                l.sentIdx = 0;
                // --tick-us 0 (each socket sender at its own time) has no meaning for a rate over
                // pooled connections: the pump then runs every 100 µs
                l.ticker = l.loop.scheduleAtFixedRate(l::pump, Math.max(0, startNs - System.nanoTime()),
                        (tickMicros > 0 ? tickMicros : 100) * 1000, TimeUnit.NANOSECONDS);
            });
        }
    }

    /** Requests in flight now (a racy sum, for progress lines). */
    long inFlight() {
        long n = 0;
        for (Conn c : conns) {
            n += c.count;
        }
        return n;
    }

    /**
     * Stops sending; every request still in flight is counted as an error (no reply by the drain
     * deadline) and the due open-loop requests that were never sent as another. Returns the number
     * in flight.
     */
    long stop() throws InterruptedException {
        AtomicLong unanswered = new AtomicLong();
        for (Loop l : loops) {
            l.loop.submit(() -> {
                long unsent = l.closed || l.loopPeriodNs <= 0 ? 0 : l.countDue(System.nanoTime()) - l.sentIdx;
                l.running = false;
                if (l.ticker != null) {
                    l.ticker.cancel(false);
                    l.ticker = null;
                }
                if (unsent > 0) {
                    for (long k = 0; k < unsent; k++) {
                        stats.error("auth: not sent by the end (every connection had --max-pipeline requests in flight)", null);
                    }
                }
                for (Conn c : l.conns) {
                    if (c.count > 0) {
                        unanswered.addAndGet(c.count);
                        for (int k = 0; k < c.count; k++) {
                            stats.error("auth: no reply by the drain deadline", null);
                        }
                    }
                }
            }).await(5, TimeUnit.SECONDS);
        }
        return unanswered.get();
    }

    void close() {
        for (Conn c : conns) {
            c.loop.loop.execute(() -> {
                c.closing = true;
                if (c.ch != null) {
                    c.ch.close();
                }
            });
        }
    }

    /** One event loop's share: its connections and its sending state. Its fields are its thread's. */
    private final class Loop {
        final int index;
        final EventLoop loop;
        Conn[] conns;
        int rr;
        long deviceSeq;
        /** Sending in a measured phase (between a start and {@link #stop}). */
        boolean running;
        long stopNs;
        boolean closed;
        AtomicInteger setupNext;
        // open loop
        ScheduledFuture<?> ticker;
        int maxPipeline;
        long firstDue;
        double loopPeriodNs;
        long sentIdx;

        Loop(int index, EventLoop loop) {
            this.index = index;
            this.loop = loop;
        }

        /** The next device of this loop: j, j + L, j + 2L, … of the devices, round-robin. */
        int nextDevice() {
            long g = index + (deviceSeq++) * loops.length;
            return (int) (g % requests.length);
        }

        /** Open loop: sends every request whose time has come, while a connection has room. */
        void pump() {
            if (ticker == null || closed) {
                return;
            }
            long now = System.nanoTime();
            while (true) {
                long due = firstDue + (long) (sentIdx * loopPeriodNs);
                if (due >= stopNs) {
                    ticker.cancel(false);
                    ticker = null;
                    return;
                }
                if (due > now) {
                    return;
                }
                Conn c = free();
                if (c == null) {
                    return; // every connection full: the backlog is just sentIdx lagging behind the clock
                }
                c.send(nextDevice(), due);
                sentIdx++;
            }
        }

        /** How many of this loop's requests are due at {@code now} (and before the stop). */
        long countDue(long now) {
            long until = Math.min(now, stopNs - 1);
            return until < firstDue ? 0 : (long) ((until - firstDue) / loopPeriodNs) + 1;
        }

        /** The next connection round-robin with fewer than {@link #maxPipeline} in flight, or null. */
        private Conn free() {
            for (int k = 0; k < conns.length; k++) {
                Conn c = conns[rr];
                rr = rr + 1 == conns.length ? 0 : rr + 1;
                if (c.ch != null && c.count < maxPipeline) {
                    return c;
                }
            }
            return null;
        }

        /** A reply came on {@code c}: what sends next. */
        void replied(Conn c) {
            if (setupNext != null) {
                c.setupSend();
            } else if (!running) {
                return;
            } else if (closed) {
                long now = System.nanoTime();
                if (now - stopNs < 0) {
                    c.send(nextDevice(), now);
                }
            } else if (ticker != null) {
                pump();
            }
        }
    }

    /** One keep-alive connection; every field is its event loop's. */
    private final class Conn extends ChannelInboundHandlerAdapter implements ByteProcessor {
        final int index;
        final Loop loop;
        final LoopStats loopStats;
        Channel ch;
        boolean closing;
        int reconnects;
        /** The send times of the requests in flight, oldest first (a ring). */
        final long[] sentAt = new long[MAX_PIPELINE];
        int head;
        int count;
        int status;
        int tokens;
        int match;
        StringBuilder errorBody;

        Conn(int index, Loop loop) {
            this.index = index;
            this.loop = loop;
            this.loopStats = stats.of(loop.loop);
        }

        void connect(java.util.function.Consumer<Boolean> then) {
            Bootstrap b = new Bootstrap()
                    .group(loop.loop)
                    .channel(client.epoll ? EpollSocketChannel.class : NioSocketChannel.class)
                    .option(ChannelOption.TCP_NODELAY, true)
                    .option(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
                    .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 15_000)
                    .handler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel c) {
                            c.pipeline().addLast("http", new HttpResponseDecoder());
                            c.pipeline().addLast("auth", Conn.this);
                        }
                    });
            b.connect(remote).addListener(f -> {
                if (f.isSuccess()) {
                    ch = ((ChannelFuture) f).channel();
                    then.accept(true);
                } else {
                    Throwable r = Auth.rootCause(f.cause());
                    stats.error("connect: " + r.getClass().getSimpleName(), r.getMessage());
                    then.accept(false);
                }
            });
        }

        @Override
        public boolean isSharable() {
            return true; // one channel at a time: a reconnect replaces the closed one
        }

        /** Set-up: the next device not yet authenticated, if any. */
        void setupSend() {
            AtomicInteger next = loop.setupNext;
            if (next == null || ch == null) {
                return;
            }
            int i = next.getAndIncrement();
            if (i < requests.length) {
                send(i, System.nanoTime());
            }
        }

        void send(int device, long sentNs) {
            sentAt[(head + count) & (MAX_PIPELINE - 1)] = sentNs;
            count++;
            stats.sent(loopStats, sentNs, 1);
            ch.writeAndFlush(requests[device].duplicate(), ch.voidPromise());
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (((HttpObject) msg).decoderResult().isFailure()) {
                    stats.error("auth: bad HTTP reply", String.valueOf(((HttpObject) msg).decoderResult().cause()));
                    ctx.close();
                    return;
                }
                if (msg instanceof HttpResponse r) {
                    status = r.status().code();
                    tokens = 0;
                    match = 0;
                    errorBody = status == 200 ? null : new StringBuilder();
                }
                if (msg instanceof HttpContent c) {
                    ByteBuf b = c.content();
                    if (errorBody == null) {
                        b.forEachByte(this);
                    } else if (errorBody.length() < 300) {
                        errorBody.append(b.toString(b.readerIndex(), Math.min(b.readableBytes(), 300), StandardCharsets.UTF_8));
                    }
                    if (msg instanceof LastHttpContent) {
                        replied();
                    }
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        /** Counts {@code "token":} in the body across content chunks (see {@link RestLoad#process}). */
        @Override
        public boolean process(byte b) {
            byte[] m = TOKEN;
            if (b == m[match]) {
                if (++match == m.length) {
                    tokens++;
                    match = 0;
                }
            } else if (match == m.length - 1 && b == m[1]) {
                match = 2;
            } else {
                match = b == m[0] ? 1 : 0;
            }
            return true;
        }

        private void replied() {
            if (count == 0) {
                stats.error("auth: reply without a request", "HTTP " + status);
                return;
            }
            long sentNs = sentAt[head];
            head = (head + 1) & (MAX_PIPELINE - 1);
            count--;
            if (status == 200 && tokens == 1) {
                ok.increment();
                stats.deliver(loopStats, sentNs);
            } else {
                failed.increment();
                if (status == 200) {
                    stats.error("auth: HTTP 200 with " + tokens + " tokens, not 1", null);
                } else {
                    stats.error("auth: HTTP " + status, errorBody == null ? null : errorBody.toString());
                }
            }
            CountDownLatch s = setupDone;
            if (s != null) {
                s.countDown();
            }
            loop.replied(this);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            Throwable r = Auth.rootCause(cause);
            stats.error("auth: connection " + r.getClass().getSimpleName(), r.getMessage());
            ctx.close();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (ctx.channel() != ch || closing) {
                return;
            }
            ch = null;
            if (count > 0) {
                CountDownLatch s = setupDone;
                for (int k = 0; k < count; k++) {
                    failed.increment();
                    stats.error("auth: connection closed with a request in flight", null);
                    if (s != null) {
                        s.countDown();
                    }
                }
                head = 0;
                count = 0;
            }
            if (++reconnects > 100 || loop.setupNext == null && !(loop.running && System.nanoTime() - loop.stopNs < 0)) {
                return;
            }
            stats.error("auth: reconnect", "the server closed a keep-alive connection");
            connect(opened -> {
                if (opened) {
                    loop.replied(this);
                }
            });
        }
    }

    /** {@code "token":}: the session token's field (not the refresh token's). */
    private static final byte[] TOKEN = RestLoad.marker("token");
}
