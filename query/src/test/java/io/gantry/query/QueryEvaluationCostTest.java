package io.gantry.query;

import static io.gantry.query.Q.label;
import static io.gantry.query.Q.q;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** Evaluation allocates nothing on the common path, and is safe to share between threads. */
class QueryEvaluationCostTest {

    @Test
    void matchingAndScoringAllocateNothing() {
        java.lang.management.ThreadMXBean bean = ManagementFactory.getThreadMXBean();
        Assumptions.assumeTrue(bean instanceof com.sun.management.ThreadMXBean);
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) bean;
        Assumptions.assumeTrue(threads.isThreadAllocatedMemorySupported() && threads.isThreadAllocatedMemoryEnabled());

        Query query = q("+label.skill:>=50 +label.mode:ranked label.name:arena* label.tags:p?p^2 "
                + "-label.region:us label.level:5 \"Big Map\" ranked");
        Document[] docs = {
            label("{\"skill\":55,\"mode\":\"ranked\",\"name\":\"arena-1\",\"tags\":[\"eu\",\"pvp\"],\"level\":5}"),
            label("{\"skill\":40,\"mode\":\"ranked\",\"region\":\"eu\"}"),
            label("{\"skill\":70,\"mode\":\"casual\",\"map\":\"Big Map\"}"),
        };
        long tid = Thread.currentThread().getId();
        double sink = 0;
        for (int i = 0; i < 20_000; i++) { // warm up
            sink += query.score(docs[i % 3]) + (query.matches(docs[i % 3]) ? 1 : 0);
        }
        long before = threads.getThreadAllocatedBytes(tid);
        for (int i = 0; i < 100_000; i++) {
            sink += query.score(docs[i % 3]) + (query.matches(docs[i % 3]) ? 1 : 0);
        }
        long allocated = threads.getThreadAllocatedBytes(tid) - before;
        assertTrue(sink > 0);
        assertTrue(allocated < 4096, "200,000 evaluations allocated " + allocated + " bytes");
    }

    @Test
    void oneQuerySharedByManyThreadsGivesTheSameAnswers() throws Exception {
        Query query = q("+label.skill:>=50 label.mode:ranked^2 -label.region:us");
        List<Document> docs = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            docs.add(label("{\"skill\":" + i + ",\"mode\":\"" + (i % 2 == 0 ? "ranked" : "casual")
                    + "\",\"region\":\"" + (i % 3 == 0 ? "us" : "eu") + "\"}"));
        }
        double expected = 0;
        for (Document d : docs) {
            expected += query.score(d);
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Double>> results = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                results.add(pool.submit(() -> {
                    double sum = 0;
                    for (int round = 0; round < 50; round++) {
                        for (Document d : docs) {
                            sum += query.score(d);
                        }
                    }
                    return sum / 50;
                }));
            }
            for (Future<Double> f : results) {
                assertEquals(expected, f.get());
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
