package io.gantry.bench.load;

/**
 * The hard cap on a run: if the process is still running at the armed deadline, it prints why
 * and halts (exit status 4), whatever the scenario is waiting for.
 */
final class Watchdog implements AutoCloseable {
    private volatile long deadlineNs = Long.MAX_VALUE;
    private volatile String what = "";
    private volatile boolean closed;
    private final Thread thread;

    Watchdog() {
        thread = new Thread(this::watch, "bench-watchdog");
        thread.setDaemon(true);
        thread.start();
    }

    /** Disarms it for good (the run is over). */
    @Override
    public void close() {
        closed = true;
        thread.interrupt();
    }

    void arm(double seconds, String what) {
        this.what = what;
        this.deadlineNs = System.nanoTime() + Phase.secs(seconds);
    }

    private void watch() {
        while (true) {
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                return;
            }
            if (!closed && System.nanoTime() - deadlineNs > 0) {
                System.err.println("gantry-bench: hard deadline reached (" + what + "); exiting");
                System.err.flush();
                Runtime.getRuntime().halt(4);
            }
        }
    }
}
