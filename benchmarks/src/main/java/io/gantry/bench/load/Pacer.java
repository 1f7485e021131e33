package io.gantry.bench.load;

import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Open-loop sending at a fixed rate without a timer per user. Every sender has the same period
 * (1/R); sender k of n starts at offset k·period/n, so sends are spread evenly over the period.
 * Each event loop runs one timer over its own senders in offset order, sending every one whose
 * time has come: a send is never skipped, only late (and lateness shows up in the latency,
 * corrected for coordinated omission). With {@code tickMicros} 0 (the default) the timer is set
 * for the next sender's own time, so each socket sends on its own schedule, as independent
 * clients do; a positive tick instead wakes every {@code tickMicros} and sends what is due in a
 * burst (the generator's behaviour before, which lets a server batch its wake-ups).
 */
final class Pacer {
    /** What to do at each send time. Runs on the user's event loop. */
    interface Action {
        void fire(VirtualUser u, long nowNs);
    }

    private final List<Loop> loops = new ArrayList<>();
    private final CountDownLatch done;

    Pacer(List<VirtualUser> senders, double rateHz, long startNs, long stopNs, long tickMicros, Action action) {
        long period = Math.max(1, Math.round(1e9 / rateHz));
        Map<EventLoop, List<Integer>> byLoop = new IdentityHashMap<>();
        for (int k = 0; k < senders.size(); k++) {
            VirtualUser u = senders.get(k);
            if (u.eventLoop() == null || u.loopStats == null) {
                continue;
            }
            byLoop.computeIfAbsent(u.eventLoop(), l -> new ArrayList<>()).add(k);
        }
        int n = senders.size();
        for (Map.Entry<EventLoop, List<Integer>> e : byLoop.entrySet()) {
            List<Integer> ks = e.getValue(); // ascending k, so ascending offset
            VirtualUser[] us = new VirtualUser[ks.size()];
            long[] offsets = new long[ks.size()];
            for (int i = 0; i < us.length; i++) {
                us[i] = senders.get(ks.get(i));
                offsets[i] = (long) ((double) ks.get(i) * period / n);
            }
            loops.add(new Loop(e.getKey(), us, offsets, period, startNs, stopNs, tickMicros, action));
        }
        done = new CountDownLatch(loops.size());
    }

    void start() {
        for (Loop l : loops) {
            l.start();
        }
    }

    /** Waits until every loop has passed the stop time. */
    boolean await(long timeoutMs) throws InterruptedException {
        return done.await(timeoutMs, TimeUnit.MILLISECONDS);
    }

    void cancel() {
        for (Loop l : loops) {
            l.stop();
        }
    }

    private final class Loop implements Runnable {
        final EventExecutor loop;
        final VirtualUser[] users;
        final long[] offsets;
        final long period;
        final long stopNs;
        final long tickMicros;
        final Action action;
        long cycleBase;
        int idx;
        ScheduledFuture<?> future;
        boolean finished;

        Loop(EventExecutor loop, VirtualUser[] users, long[] offsets, long period, long startNs, long stopNs,
             long tickMicros, Action action) {
            this.loop = loop;
            this.users = users;
            this.offsets = offsets;
            this.period = period;
            this.cycleBase = startNs;
            this.stopNs = stopNs;
            this.tickMicros = tickMicros;
            this.action = action;
        }

        void start() {
            if (tickMicros > 0) {
                loop.execute(() -> future = loop.scheduleAtFixedRate(this, 0, tickMicros, TimeUnit.MICROSECONDS));
            } else {
                loop.execute(this);
            }
        }

        void stop() {
            loop.execute(this::finish);
        }

        private void finish() {
            if (!finished) {
                finished = true;
                if (future != null) {
                    future.cancel(false);
                }
                done.countDown();
            }
        }

        @Override
        public void run() {
            if (finished) {
                return;
            }
            long now = System.nanoTime();
            while (true) {
                long due = cycleBase + offsets[idx];
                if (due >= stopNs) {
                    finish();
                    return;
                }
                if (due > now) {
                    if (tickMicros == 0) {
                        future = loop.schedule(this, due - now, TimeUnit.NANOSECONDS);
                    }
                    return;
                }
                action.fire(users[idx], System.nanoTime());
                if (++idx == users.length) {
                    idx = 0;
                    cycleBase += period;
                }
            }
        }
    }

    static int loopCount(EventLoopGroup g) {
        int n = 0;
        for (EventExecutor ignored : g) {
            n++;
        }
        return n;
    }
}
