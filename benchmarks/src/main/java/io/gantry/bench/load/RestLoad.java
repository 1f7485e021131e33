package io.gantry.bench.load;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseDecoder;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ByteProcessor;
import io.netty.util.ReferenceCountUtil;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * Closed-loop REST load: {@code n} keep-alive HTTP/1.1 connections on the generator's event loops
 * (the {@link BenchClient}'s group, epoll or NIO), one request in flight on each. A connection
 * sends its next request as soon as the previous reply has been read in full, so {@code n} is the
 * number of requests in flight.
 *
 * <p>Requests are pre-encoded ({@link Req}: the request line and headers, and the body, as
 * read-only buffers sent as retained duplicates): sending one allocates nothing but two
 * duplicates. Replies go through Netty's {@link HttpResponseDecoder} without aggregation; a 2xx
 * reply counts only if its body carries exactly {@link Req#expectKeys} fields named by the
 * marker (by default {@code "key":}: objects written, read or listed; {@code "user":} for the
 * social lists, one per friend or member), counted by a matcher over the content as it arrives.
 * Any other reply is an error by status, with the start of its body as the example.
 *
 * <p>Threads: a connection's fields are touched only on its event loop; {@link #start} and
 * {@link #open} hand work to the loops and wait on latches.
 */
final class RestLoad {
    /**
     * One pre-encoded request: {@code head} and {@code body} (or null), written in that order,
     * and how many marker fields its 2xx reply must carry. {@code body} may also be the rest of
     * the head: the social requests put the request line in {@code head} and the caller's
     * headers in {@code body}, so that neither is built per request.
     */
    record Req(ByteBuf head, ByteBuf body, int expectKeys) {
    }

    /** What a connection sends next; on the connection's event loop. Null: nothing more. */
    interface Source {
        Req next(int connection, long seq);
    }

    private final BenchClient client;
    private final Stats stats;
    private final InetSocketAddress remote;
    /** Names the requests in error kinds ("storage write: HTTP 401"); set by {@link #start}. */
    private volatile String what;
    private final Conn[] conns;
    /** The field counted in 2xx bodies: {@code "name":}. */
    private final byte[] marker;
    /** Replies that counted (2xx with the expected objects) and those that did not, in any phase. */
    final LongAdder ok = new LongAdder();
    final LongAdder failed = new LongAdder();

    RestLoad(BenchClient client, String host, int port, int connections) {
        this(client, host, port, connections, KEY);
    }

    /** As above, counting {@code marker} (a {@code "name":} field, see {@link #marker}) in 2xx bodies. */
    RestLoad(BenchClient client, String host, int port, int connections, byte[] marker) {
        this.marker = marker;
        this.client = client;
        this.stats = client.stats;
        this.remote = new InetSocketAddress(host, port);
        this.what = "rest";
        this.conns = new Conn[connections];
        int i = 0;
        for (var loop : client.group) {
            // spread the connections over the loops, round-robin
            for (int k = i; k < connections; k += Pacer.loopCount(client.group)) {
                conns[k] = new Conn(k, (EventLoop) loop);
            }
            i++;
        }
    }

    int connections() {
        return conns.length;
    }

    /** Opens every connection; returns how many opened. Failures are recorded in the stats. */
    int open(long timeoutMs) throws InterruptedException {
        CountDownLatch done = new CountDownLatch(conns.length);
        AtomicInteger opened = new AtomicInteger();
        for (Conn c : conns) {
            c.connect(ok -> {
                if (ok) {
                    opened.incrementAndGet();
                }
                done.countDown();
            });
        }
        if (!done.await(timeoutMs, TimeUnit.MILLISECONDS)) {
            stats.error("connect: timeout", "HTTP connections not all open after " + timeoutMs + " ms");
        }
        return opened.get();
    }

    /**
     * Every open connection sends from {@code source} until it runs dry or {@code stopNs} has
     * passed; the latch counts down once per connection as it goes idle (its last reply read, or
     * the connection lost). {@code what} names these requests in error kinds.
     */
    CountDownLatch start(String what, Source source, long stopNs) {
        this.what = what;
        CountDownLatch idle = new CountDownLatch(conns.length);
        for (Conn c : conns) {
            c.loop.execute(() -> c.begin(source, stopNs, idle));
        }
        return idle;
    }

    /** Waits for {@code idle} until {@code deadlineNs}; each request still unanswered is an error. */
    void awaitIdle(CountDownLatch idle, long deadlineNs, String why) throws InterruptedException {
        long left = deadlineNs - System.nanoTime();
        if (!idle.await(Math.max(0, left), TimeUnit.NANOSECONDS)) {
            for (long k = idle.getCount(); k > 0; k--) {
                stats.error(what + ": no reply " + why, "a request still had no reply " + why);
            }
        }
    }

    /**
     * Runs a set-up source dry on these connections (the requests before the measured window:
     * seeding, friends, joins): any failed request, or a count answered other than
     * {@code expected}, stops the run before it starts, naming the first error whose kind starts
     * with {@code errorPrefix}. The answered count is reset afterwards.
     */
    void setup(Run run, String what, Source source, long expected, String errorPrefix)
            throws InterruptedException, Run.SetupException {
        long t0 = System.nanoTime();
        long deadline = t0 + TimeUnit.MILLISECONDS.toNanos(run.setupDeadlineMs());
        long failedBefore = failed.sum();
        long okBefore = ok.sum();
        CountDownLatch idle = start(what, source, deadline);
        awaitIdle(idle, deadline + 5_000_000_000L, "within --setup-timeout (" + what + ")");
        long bad = failed.sum() - failedBefore;
        long good = ok.sum() - okBefore;
        if (bad > 0 || idle.getCount() > 0 || good != expected) {
            throw new Run.SetupException(String.format("the %s failed: %,d of %,d requests answered as expected, %,d failed: %s",
                    what, good, expected, bad, run.firstError(errorPrefix)));
        }
        run.log.printf("%s: %,d requests in %.1f s%n", what, expected, (System.nanoTime() - t0) / 1e9);
        ok.reset();
    }

    /**
     * What one measured window saw: the meter's result, the requests that failed or counted in
     * any phase of it, and how busy the server's core and the in-process server were in the
     * window (-1: not measured).
     */
    record Window(Meter.Result result, long failed, long answered, double serverCorePercent, double selfPercent) {
        /** The server-core and self-test lines and fields every REST report carries. */
        void describe(Report rep, int serverCore) {
            if (serverCorePercent >= 0) {
                rep.put("server_core", java.util.Map.of("cpu", serverCore, "busy_percent", LatencySummary.round3(serverCorePercent)));
                rep.line("server core", String.format("cpu%d %.1f %% busy in the window (everything pinned there: server, database)",
                        serverCore, serverCorePercent));
            } else if (serverCore >= 0) {
                rep.line("server core", "could not read /proc/stat");
            }
            if (selfPercent >= 0) {
                rep.line("self-test srv", String.format("%.0f %% of a core (its event loops)", selfPercent));
                rep.note("--target self: the in-process server answers canned bodies; this is the generator's own ceiling "
                        + "at this shape (both share this machine's cores); a server measured near it is measured at the "
                        + "generator's limit");
            }
        }
    }

    /**
     * The measured part of a closed-loop REST scenario: warm-up, the window and the drain, with
     * the meter running, every connection sending from {@code source}. {@code serverCore} (or -1)
     * is the core whose busy time is read at the window's edges; {@code self} (or null) the
     * in-process server whose CPU time is.
     */
    Window measure(Run run, Source source, String label, int serverCore, SelfTestServer self) throws InterruptedException {
        CommonOptions o = run.o;
        Phase p = Phase.starting(System.nanoTime() + 50_000_000L, o.warmup(2), o.duration(10), o.drain, 0);
        stats.startPhase(client.group, p);
        run.watchdog.arm(o.warmup(2) + o.duration(10) + o.drain + 60, "measured run over by 60 s");
        Meter meter = new Meter(client, p, o.serverPid, o.sidePid, run.log, o.quiet, label,
                () -> String.format("in flight %d", conns.length));
        meter.start();
        long failedBefore = failed.sum();
        long okBefore = ok.sum();
        Run.sleepUntil(p.startNs());
        CountDownLatch idle = start(label, source, p.sendStopNs());
        Run.sleepUntil(p.measureStartNs());
        long core0 = serverCore < 0 ? -1 : ProcStats.coreBusyNanos(serverCore);
        long selfCpu0 = self == null ? 0 : self.cpuNanos();
        Run.sleepUntil(p.sendStopNs());
        long core1 = serverCore < 0 ? -1 : ProcStats.coreBusyNanos(serverCore);
        long selfCpu1 = self == null ? 0 : self.cpuNanos();
        awaitIdle(idle, p.drainEndNs(), "by the drain deadline");
        Run.sleepUntil(p.drainEndNs()); // the meter's last CPU snapshots are taken by then
        Meter.Result r = meter.finish();
        stats.phase = null;
        double window = p.sendStopNs() - p.measureStartNs();
        return new Window(r, failed.sum() - failedBefore, ok.sum() - okBefore,
                core0 >= 0 && core1 >= 0 ? 100.0 * (core1 - core0) / window : -1,
                self == null ? -1 : 100.0 * (selfCpu1 - selfCpu0) / window);
    }

    void close() {
        for (Conn c : conns) {
            Channel ch = c.ch;
            if (ch != null) {
                c.loop.execute(() -> {
                    c.closing = true;
                    ch.close();
                });
            }
        }
    }

    /** {@code "key":}, counted in 2xx bodies: one per object written (acks), read or listed. */
    private static final byte[] KEY = marker("key");

    /**
     * The marker of a JSON field name: {@code "name":}. The name has no quote and no escape, so
     * a field of that name inside an escaped JSON string (metadata) never matches, and a longer
     * name ending in it ({@code "group_users":} for {@code user}) does not either.
     */
    static byte[] marker(String name) {
        if (name.isEmpty() || name.indexOf('"') >= 0 || name.indexOf('\\') >= 0) {
            throw new IllegalArgumentException("a field name without quotes or escapes: " + name);
        }
        return ("\"" + name + "\":").getBytes(StandardCharsets.US_ASCII);
    }

    /** One keep-alive connection; every field is its event loop's. */
    private final class Conn extends ChannelInboundHandlerAdapter implements ByteProcessor {
        final int index;
        final EventLoop loop;
        final LoopStats loopStats;
        Channel ch;
        boolean closing;
        int reconnects;
        Source source;
        long stopNs;
        CountDownLatch idle;
        long seq;
        Req req;
        long sentNs;
        int status;
        int keys;
        int match;
        StringBuilder errorBody;

        Conn(int index, EventLoop loop) {
            this.index = index;
            this.loop = loop;
            this.loopStats = stats.of(loop);
        }

        void connect(java.util.function.Consumer<Boolean> then) {
            Bootstrap b = new Bootstrap()
                    .group(loop)
                    .channel(client.channelClass())
                    .option(ChannelOption.TCP_NODELAY, true)
                    .option(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
                    .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 15_000)
                    .handler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel c) {
                            c.pipeline().addLast("http", new HttpResponseDecoder());
                            c.pipeline().addLast("rest", Conn.this);
                        }
                    });
            b.connect(remote).addListener(f -> {
                if (f.isSuccess()) {
                    ch = ((io.netty.channel.ChannelFuture) f).channel();
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

        void begin(Source source, long stopNs, CountDownLatch idle) {
            this.source = source;
            this.stopNs = stopNs;
            this.idle = idle;
            this.seq = 0; // each run's sources count their requests from 0 (the social ones pair them)
            if (ch == null) {
                connect(opened -> {
                    if (opened) {
                        fire();
                    } else {
                        goIdle();
                    }
                });
                return;
            }
            fire();
        }

        private void goIdle() {
            CountDownLatch l = idle;
            idle = null;
            source = null;
            if (l != null) {
                l.countDown();
            }
        }

        /** Sends the next request, or goes idle. */
        private void fire() {
            long now = System.nanoTime();
            Req r = now - stopNs >= 0 || source == null ? null : source.next(index, seq++);
            if (r == null) {
                goIdle();
                return;
            }
            req = r;
            sentNs = now;
            status = 0;
            keys = 0;
            match = 0;
            errorBody = null;
            stats.sent(loopStats, now, 1);
            ch.write(r.head().retainedDuplicate(), ch.voidPromise());
            if (r.body() != null) {
                ch.write(r.body().retainedDuplicate(), ch.voidPromise());
            }
            ch.flush();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (((HttpObject) msg).decoderResult().isFailure()) {
                    stats.error(what + ": bad HTTP reply", String.valueOf(((HttpObject) msg).decoderResult().cause()));
                    ctx.close();
                    return;
                }
                if (msg instanceof HttpResponse r) {
                    status = r.status().code();
                    if (status / 100 != 2) {
                        errorBody = new StringBuilder();
                    }
                }
                if (msg instanceof HttpContent c) {
                    ByteBuf b = c.content();
                    if (errorBody == null) {
                        b.forEachByte(this);
                    } else if (errorBody.length() < 300) {
                        errorBody.append(b.toString(b.readerIndex(), Math.min(b.readableBytes(), 300),
                                StandardCharsets.UTF_8));
                    }
                    if (msg instanceof LastHttpContent) {
                        replied();
                    }
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        /**
         * Counts the marker ({@code "name":}) in the body, a byte at a time across content chunks
         * (a KMP matcher: the only border of a partial match is the closing quote of
         * {@code "name"}, which may open the next match).
         */
        @Override
        public boolean process(byte b) {
            byte[] m = marker;
            if (b == m[match]) {
                if (++match == m.length) {
                    keys++;
                    match = 0;
                }
            } else if (match == m.length - 1 && b == m[1]) {
                match = 2; // "name"n: the closing quote opens a new match
            } else {
                match = b == m[0] ? 1 : 0;
            }
            return true;
        }

        private void replied() {
            Req r = req;
            if (r == null) {
                stats.error(what + ": reply without a request", "HTTP " + status);
                return;
            }
            req = null;
            if (status / 100 == 2 && keys == r.expectKeys()) {
                ok.increment();
                stats.deliver(loopStats, sentNs);
            } else {
                failed.increment();
                if (status / 100 == 2) {
                    stats.error(what + ": HTTP " + status + " with " + keys + " objects, not " + r.expectKeys(), null);
                } else {
                    stats.error(what + ": HTTP " + status, errorBody == null ? null : errorBody.toString());
                }
            }
            fire();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            Throwable r = Auth.rootCause(cause);
            stats.error(what + ": connection " + r.getClass().getSimpleName(), r.getMessage());
            ctx.close();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (ctx.channel() != ch || closing) {
                return;
            }
            ch = null;
            if (req != null) {
                req = null;
                failed.increment();
                stats.error(what + ": connection closed with a request in flight", null);
            }
            if (idle == null) {
                return; // between runs: the next begin() reconnects
            }
            if (System.nanoTime() - stopNs >= 0 || ++reconnects > 100) {
                goIdle();
                return;
            }
            stats.error(what + ": reconnect", "the server closed a keep-alive connection");
            connect(opened -> {
                if (opened) {
                    fire();
                } else {
                    goIdle();
                }
            });
        }
    }
}
