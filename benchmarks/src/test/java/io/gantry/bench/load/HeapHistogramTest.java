package io.gantry.bench.load;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** connect-storm's live heap per socket: jcmd's class histogram parsed, and its growth per socket by class. */
class HeapHistogramTest {

    private static String histogram(long sessions, long contexts) {
        return "12345:\n"
                + " num     #instances         #bytes  class name (module)\n"
                + "-------------------------------------------------------\n"
                + "   1:        " + sessions + "        " + sessions * 80 + "  io.gantry.core.session.Session\n"
                + "   2:        " + contexts + "        " + contexts * 56 + "  io.netty.channel.DefaultChannelHandlerContext\n"
                + "   3:           10            400  [B (java.base@17.0.15)\n"
                + "Total        " + (sessions + contexts + 10) + "        " + (sessions * 80 + contexts * 56 + 400) + "\n";
    }

    @Test
    void parsesTheTotalsAndEveryClass() {
        HeapHistogram h = HeapHistogram.parse(histogram(100, 500));
        assertEquals(100 * 80 + 500 * 56 + 400, h.totalBytes());
        assertEquals(610, h.totalInstances());
        assertArrayEquals(new long[]{100, 8000}, h.classes().get("io.gantry.core.session.Session"));
        assertArrayEquals(new long[]{10, 400}, h.classes().get("[B"));
    }

    @Test
    void growthPerSocketIsLargestFirst() {
        HeapHistogram before = HeapHistogram.parse(histogram(0, 10));
        HeapHistogram after = HeapHistogram.parse(histogram(1000, 5010));
        Map<String, double[]> growth = after.growthPer(before, 1000, 2);
        assertEquals(List.of("io.netty.channel.DefaultChannelHandlerContext", "io.gantry.core.session.Session"),
                List.copyOf(growth.keySet()));
        assertArrayEquals(new double[]{280, 5}, growth.get("io.netty.channel.DefaultChannelHandlerContext"));
        assertArrayEquals(new double[]{80, 1}, growth.get("io.gantry.core.session.Session"));
    }

    @Test
    void textWithoutATotalIsNoHistogram() {
        assertNull(HeapHistogram.parse("12345:\nio.netty.util.internal.OutOfDirectMemoryError\n"));
    }
}
