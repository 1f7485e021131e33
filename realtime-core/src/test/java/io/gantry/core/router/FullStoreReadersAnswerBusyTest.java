package io.gantry.core.router;

import com.heroiclabs.nakama.rtapi.Envelope;
import com.heroiclabs.nakama.rtapi.Error;
import io.gantry.core.TestSessions;
import io.gantry.core.session.Session;
import org.junit.jupiter.api.Test;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The store readers' executor, one thread held by the test and a queue of one: the third read is answered "busy". */
class FullStoreReadersAnswerBusyTest {

    @Test
    void aReadFindingTheReadersFullIsAnsweredBusyAndNotRun() {
        CountDownLatch release = new CountDownLatch(1);
        ThreadPoolExecutor readers = new ThreadPoolExecutor(1, 1, 1, TimeUnit.MINUTES, new ArrayBlockingQueue<>(1));
        Router router = new Router(8); // not started: only failures would reach it
        try {
            BlockingCalls calls = new BlockingCalls(readers, router);
            Runnable held = () -> {
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            };
            TestSessions.Recording connection = new TestSessions.Recording();
            Session session = TestSessions.session(connection, 16);
            calls.run(session, "1", "failed", held); // the one thread
            calls.run(session, "2", "failed", held); // the one queue slot
            boolean[] ran = {false};
            calls.run(session, "3", "failed", () -> ran[0] = true);

            assertEquals(1, connection.received.size());
            Envelope busy = connection.received.get(0).envelope();
            assertEquals("3", busy.getCid());
            assertEquals(Error.Code.RUNTIME_EXCEPTION_VALUE, busy.getError().getCode());
            assertEquals("Server is busy; retry later.", busy.getError().getMessage());
            release.countDown();
            readers.shutdown();
            assertTrue(readers.awaitTermination(5, TimeUnit.SECONDS));
            assertTrue(!ran[0], "the refused read never ran");
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        } finally {
            release.countDown();
            readers.shutdownNow();
            router.close();
        }
    }
}
