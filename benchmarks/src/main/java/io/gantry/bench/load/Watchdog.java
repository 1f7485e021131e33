package io.gantry.bench.load;

/**
 * The hard cap on a run: if the process is still running at the armed deadline, it prints why
 * and halts (exit status 4), whatever the scenario is waiting for.
 */
final class Watchdog {
    private volatile long deadlineNs = Long.MAX_VALUE;
    private volatile String what = "";

    Watchdog() {
        Thread t = new Thread(this::watch, "bench-watchdog");
        t.setDaemon(true);
        t.start();
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
            if (System.nanoTime() - deadlineNs > 0) {
                System.err.println("gantry-bench: hard deadline reached (" + what + "); exiting");
                System.err.flush();
                Runtime.getRuntime().halt(4);
            }
        }
    }
}
