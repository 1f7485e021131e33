package io.gantry.bench.load;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The live heap of a JVM server, from {@code jcmd PID GC.class_histogram}: the JVM runs a full
 * collection first, so the totals are live objects only, unlike VmRSS, which also counts garbage
 * not yet collected and heap the collector grew into and keeps. Two histograms taken around the
 * open phase give the live bytes per socket, class by class.
 *
 * @param classes class name → {instances, bytes}
 */
record HeapHistogram(long totalBytes, long totalInstances, Map<String, long[]> classes) {

    private static final Pattern ROW = Pattern.compile("\\s*\\d+:\\s+(\\d+)\\s+(\\d+)\\s+(\\S+).*");
    private static final Pattern TOTAL = Pattern.compile("Total\\s+(\\d+)\\s+(\\d+)\\s*");

    /** Whether the process looks like a JVM (its command line names java); a Go server is not one. */
    static boolean isJvm(String pid) {
        try {
            String cmd = new String(Files.readAllBytes(Path.of("/proc", pid, "cmdline")), StandardCharsets.UTF_8);
            String exe = cmd.split("\0", 2)[0];
            return exe.endsWith("java") || cmd.contains(".jar");
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** Runs jcmd on the process (a full GC there); null when jcmd is missing or fails. */
    static HeapHistogram take(String pid) {
        try {
            Process p = new ProcessBuilder("jcmd", pid, "GC.class_histogram").redirectErrorStream(true).start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
                return null;
            }
            return parse(new String(out, StandardCharsets.UTF_8));
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    static HeapHistogram parse(String text) {
        Map<String, long[]> classes = new HashMap<>();
        long total = -1;
        long instances = -1;
        for (String line : text.split("\n")) {
            Matcher m = ROW.matcher(line);
            if (m.matches()) {
                classes.merge(m.group(3), new long[]{Long.parseLong(m.group(1)), Long.parseLong(m.group(2))},
                        (a, b) -> new long[]{a[0] + b[0], a[1] + b[1]});
                continue;
            }
            Matcher t = TOTAL.matcher(line.trim());
            if (t.matches()) {
                instances = Long.parseLong(t.group(1));
                total = Long.parseLong(t.group(2));
            }
        }
        return total < 0 ? null : new HeapHistogram(total, instances, classes);
    }

    /**
     * The classes that grew most from {@code before} to this one, per socket: name →
     * {bytes per socket, instances per socket}, largest first, at most {@code top}.
     */
    Map<String, double[]> growthPer(HeapHistogram before, int sockets, int top) {
        List<Map.Entry<String, double[]>> rows = new ArrayList<>();
        for (var e : classes.entrySet()) {
            long[] b = before.classes.getOrDefault(e.getKey(), new long[2]);
            double bytes = (e.getValue()[1] - b[1]) / (double) sockets;
            double inst = (e.getValue()[0] - b[0]) / (double) sockets;
            rows.add(Map.entry(e.getKey(), new double[]{bytes, inst}));
        }
        rows.sort((x, y) -> Double.compare(y.getValue()[0], x.getValue()[0]));
        Map<String, double[]> out = new LinkedHashMap<>();
        for (int i = 0; i < Math.min(top, rows.size()); i++) {
            out.put(rows.get(i).getKey(), rows.get(i).getValue());
        }
        return out;
    }
}
