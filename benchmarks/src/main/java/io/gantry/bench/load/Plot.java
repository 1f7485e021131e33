package io.gantry.bench.load;

import java.util.List;
import java.util.Locale;

/**
 * A self-contained HTML page (inline SVG, no script) plotting the per-second latency
 * percentiles (p50, p99, max; log scale) and the delivered rate over a run.
 */
final class Plot {
    private static final int W = 900;
    private static final int H = 320;
    private static final int L = 70;
    private static final int R = 20;
    private static final int T = 20;
    private static final int B = 40;

    private Plot() {
    }

    static String html(String title, String subtitle, List<Meter.Point> points) {
        StringBuilder sb = new StringBuilder();
        sb.append("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>").append(esc(title)).append("</title>\n")
                .append("<style>body{font-family:sans-serif;margin:24px;color:#222}h1{font-size:18px}")
                .append("p{font-size:13px;color:#555}svg{background:#fff;border:1px solid #ddd}")
                .append(".ax{stroke:#999;stroke-width:1}.grid{stroke:#eee;stroke-width:1}")
                .append("text{font-size:11px;fill:#444}</style></head><body>\n");
        sb.append("<h1>").append(esc(title)).append("</h1>\n<p>").append(esc(subtitle)).append("</p>\n");
        if (points.isEmpty()) {
            sb.append("<p>No per-second samples (the run was shorter than a second).</p>");
        } else {
            sb.append(latencyChart(points)).append("\n").append(rateChart(points));
        }
        sb.append("\n</body></html>\n");
        return sb.toString();
    }

    private static String latencyChart(List<Meter.Point> pts) {
        double lo = Double.MAX_VALUE;
        double hi = 0;
        for (Meter.Point p : pts) {
            for (double v : new double[]{p.p50(), p.p99(), p.max()}) {
                if (v > 0) {
                    lo = Math.min(lo, v);
                    hi = Math.max(hi, v);
                }
            }
        }
        if (hi <= 0) {
            lo = 0.01;
            hi = 1;
        }
        double dlo = Math.floor(Math.log10(Math.max(lo, 0.001)));
        double dhi = Math.ceil(Math.log10(hi));
        if (dhi <= dlo) {
            dhi = dlo + 1;
        }
        final double a = dlo;
        final double b = dhi;
        Scale y = v -> {
            double lv = Math.log10(Math.max(v, Math.pow(10, a)));
            return T + (H - T - B) * (1 - (lv - a) / (b - a));
        };
        StringBuilder sb = frame("latency (ms, log scale) per second", pts, y, true);
        for (int d = (int) dlo; d <= (int) dhi; d++) {
            double v = Math.pow(10, d);
            double yy = y.at(v);
            sb.append(String.format(Locale.ROOT, "<line class=\"grid\" x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\"/>", L, yy, W - R, yy));
            sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>", L - 6, yy + 4,
                    v >= 1 ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%s", v)));
        }
        List<Meter.Point> sampled = pts.stream().filter(p -> p.samples() > 0).toList(); // seconds with deliveries
        series(sb, pts, sampled, y, Meter.Point::p50, "#2a9d8f", "p50");
        series(sb, pts, sampled, y, Meter.Point::p99, "#e76f51", "p99");
        series(sb, pts, sampled, y, Meter.Point::max, "#6d597a", "max");
        legend(sb, new String[]{"p50", "p99", "max"}, new String[]{"#2a9d8f", "#e76f51", "#6d597a"});
        return sb.append("</svg>").toString();
    }

    private static String rateChart(List<Meter.Point> pts) {
        double hi = 1;
        for (Meter.Point p : pts) {
            hi = Math.max(hi, Math.max(p.deliveredPerS(), p.sentPerS()));
        }
        final double top = hi * 1.1;
        Scale y = v -> T + (H - T - B) * (1 - v / top);
        StringBuilder sb = frame("messages per second", pts, y, false);
        for (int i = 0; i <= 4; i++) {
            double v = top * i / 4;
            double yy = y.at(v);
            sb.append(String.format(Locale.ROOT, "<line class=\"grid\" x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\"/>", L, yy, W - R, yy));
            sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%,.0f</text>", L - 6, yy + 4, v));
        }
        series(sb, pts, pts, y, p -> (double) p.deliveredPerS(), "#264653", "delivered/s");
        series(sb, pts, pts, y, p -> (double) p.sentPerS(), "#f4a261", "sent/s");
        legend(sb, new String[]{"delivered/s", "sent/s"}, new String[]{"#264653", "#f4a261"});
        return sb.append("</svg>").toString();
    }

    private interface Scale {
        double at(double v);
    }

    private static double tMax(List<Meter.Point> pts) {
        return Math.max(1, pts.get(pts.size() - 1).t());
    }

    private static double x(List<Meter.Point> pts, double t) {
        return L + (W - L - R) * (t / tMax(pts));
    }

    private static StringBuilder frame(String title, List<Meter.Point> pts, Scale y, boolean log) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "<h2 style=\"font-size:14px\">%s</h2>", esc(title)));
        sb.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\">", W, H, W, H));
        sb.append(String.format(Locale.ROOT, "<line class=\"ax\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>", L, H - B, W - R, H - B));
        sb.append(String.format(Locale.ROOT, "<line class=\"ax\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>", L, T, L, H - B));
        double tm = tMax(pts);
        int step = (int) Math.max(1, Math.ceil(tm / 10));
        for (int t = 0; t <= tm; t += step) {
            double xx = x(pts, t);
            sb.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%ds</text>", xx, H - B + 16, t));
        }
        sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">seconds into the measured window</text>",
                (W + L) / 2, H - 6));
        return sb;
    }

    /** A line through {@code shown}, on the time axis of all the points. */
    private static void series(StringBuilder sb, List<Meter.Point> pts, List<Meter.Point> shown, Scale y,
                               java.util.function.ToDoubleFunction<Meter.Point> f, String color, String name) {
        sb.append("<polyline fill=\"none\" stroke=\"").append(color).append("\" stroke-width=\"2\" points=\"");
        for (Meter.Point p : shown) {
            sb.append(String.format(Locale.ROOT, "%.1f,%.1f ", x(pts, p.t()), y.at(f.applyAsDouble(p))));
        }
        sb.append("\"><title>").append(esc(name)).append("</title></polyline>");
    }

    private static void legend(StringBuilder sb, String[] names, String[] colors) {
        for (int i = 0; i < names.length; i++) {
            int xx = L + 10 + i * 110;
            sb.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"3\" fill=\"%s\"/>", xx, T + 4, colors[i]));
            sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\">%s</text>", xx + 16, T + 9, esc(names[i])));
        }
    }

    private static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
