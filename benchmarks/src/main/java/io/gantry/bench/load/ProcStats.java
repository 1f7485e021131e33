package io.gantry.bench.load;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Reads a process's CPU time and resident memory from /proc (Linux). */
final class ProcStats {
    private static volatile long clockTicks = -1;

    private ProcStats() {
    }

    /** Clock ticks per second (USER_HZ), from {@code getconf CLK_TCK}, else 100. */
    static long clockTicks() {
        long t = clockTicks;
        if (t > 0) {
            return t;
        }
        t = 100;
        try {
            Process p = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes()).trim();
            if (p.waitFor() == 0) {
                t = Long.parseLong(out);
            }
        } catch (IOException | NumberFormatException e) {
            // keep 100
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        clockTicks = t;
        return t;
    }

    /**
     * utime + stime of the process in nanoseconds, or -1 when it cannot be read. {@code pid} may
     * be a comma list (the nodes of a cluster): the sum, or -1 when one cannot be read.
     */
    static long cpuNanos(String pid) {
        if (pid.indexOf(',') >= 0) {
            return sum(pid, ProcStats::cpuNanos);
        }
        try {
            String stat = Files.readString(Path.of("/proc", pid, "stat"));
            // the command name (field 2) is in parentheses and may hold spaces: count after the last ')'
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
            // f[0] is field 3 (state): utime is field 14, stime field 15
            long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
            return ticks * 1_000_000_000L / clockTicks();
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /**
     * Busy time of one core (user, nice, system, irq, softirq, steal: everything but idle and
     * iowait) from /proc/stat, in nanoseconds, or -1. For a server pinned to that core with its
     * database (the reference Nakama and its PostgreSQL), this is their CPU together.
     */
    static long coreBusyNanos(int cpu) {
        try {
            String prefix = "cpu" + cpu + " ";
            for (String l : Files.readAllLines(Path.of("/proc/stat"))) {
                if (l.startsWith(prefix)) {
                    String[] f = l.substring(prefix.length()).trim().split("\\s+");
                    long ticks = Long.parseLong(f[0]) + Long.parseLong(f[1]) + Long.parseLong(f[2])
                            + Long.parseLong(f[5]) + Long.parseLong(f[6]) + (f.length > 7 ? Long.parseLong(f[7]) : 0);
                    return ticks * 1_000_000_000L / clockTicks();
                }
            }
        } catch (IOException | RuntimeException e) {
            // fall through
        }
        return -1;
    }

    /** VmRSS of the process in bytes, or -1; of a comma list, the sum (-1 when one cannot be read). */
    static long rssBytes(String pid) {
        if (pid.indexOf(',') >= 0) {
            return sum(pid, ProcStats::rssBytes);
        }
        try {
            List<String> lines = Files.readAllLines(Path.of("/proc", pid, "status"));
            for (String l : lines) {
                if (l.startsWith("VmRSS:")) {
                    String[] p = l.substring(6).trim().split("\\s+");
                    return Long.parseLong(p[0]) * 1024L;
                }
            }
        } catch (IOException | RuntimeException e) {
            // fall through
        }
        return -1;
    }

    /** Whether the process exists; of a comma list, whether every one does. */
    static boolean exists(String pid) {
        for (String p : pids(pid)) {
            if (p.isEmpty() || !Files.exists(Path.of("/proc", p, "stat"))) {
                return false;
            }
        }
        return true;
    }

    /** The pids of a comma list ({@code --server-pid}), one for a single pid. */
    static String[] pids(String list) {
        return list.split(",", -1);
    }

    private static long sum(String list, java.util.function.ToLongFunction<String> of) {
        long total = 0;
        for (String p : pids(list)) {
            long v = p.isEmpty() ? -1 : of.applyAsLong(p);
            if (v < 0) {
                return -1;
            }
            total += v;
        }
        return total;
    }

    /** CPU time of a set of threads of this JVM (the generator's event loops), in nanoseconds. */
    static long threadsCpuNanos(long[] threadIds) {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long sum = 0;
        for (long id : threadIds) {
            long t = mx.getThreadCpuTime(id);
            if (t > 0) {
                sum += t;
            }
        }
        return sum;
    }

    /** The largest CPU time among the threads (the busiest loop), in nanoseconds. */
    static long[] threadsCpuEach(long[] threadIds) {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long[] out = new long[threadIds.length];
        for (int i = 0; i < threadIds.length; i++) {
            out[i] = Math.max(0, mx.getThreadCpuTime(threadIds[i]));
        }
        return out;
    }
}
