package io.gantry.bench.load;

import java.util.Collection;
import java.util.Map;

/** A tiny JSON writer for the summary (maps, lists, strings, numbers, booleans, null). */
final class Json {
    private Json() {
    }

    static String write(Object o) {
        StringBuilder sb = new StringBuilder();
        write(sb, o, 0);
        return sb.append('\n').toString();
    }

    private static void indent(StringBuilder sb, int n) {
        sb.append('\n');
        for (int i = 0; i < n; i++) {
            sb.append("  ");
        }
    }

    @SuppressWarnings("unchecked")
    private static void write(StringBuilder sb, Object o, int depth) {
        if (o == null) {
            sb.append("null");
        } else if (o instanceof Map<?, ?> m) {
            if (m.isEmpty()) {
                sb.append("{}");
                return;
            }
            sb.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : m.entrySet()) {
                if (!first) {
                    sb.append(',');
                }
                first = false;
                indent(sb, depth + 1);
                JsonScan.quote(sb, String.valueOf(e.getKey())).append(": ");
                write(sb, e.getValue(), depth + 1);
            }
            indent(sb, depth);
            sb.append('}');
        } else if (o instanceof Collection<?> c) {
            boolean flat = c.stream().noneMatch(x -> x instanceof Map || x instanceof Collection);
            sb.append('[');
            boolean first = true;
            for (Object x : c) {
                if (!first) {
                    sb.append(flat ? ", " : ",");
                }
                first = false;
                if (!flat) {
                    indent(sb, depth + 1);
                }
                write(sb, x, depth + 1);
            }
            if (!flat && !c.isEmpty()) {
                indent(sb, depth);
            }
            sb.append(']');
        } else if (o instanceof Double d) {
            if (d.isNaN() || d.isInfinite()) {
                sb.append("null");
            } else if (d == Math.rint(d) && Math.abs(d) < 1e15) {
                sb.append(d.longValue());
            } else {
                sb.append(d);
            }
        } else if (o instanceof Number || o instanceof Boolean) {
            sb.append(o);
        } else {
            JsonScan.quote(sb, o.toString());
        }
    }
}
