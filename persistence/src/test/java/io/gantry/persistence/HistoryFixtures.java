package io.gantry.persistence;

import io.gantry.proto.storage.StoredChannelMessage;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** Messages, synchronous writes and whole-channel listings for the history tests. */
final class HistoryFixtures {

    static final String LOBBY = "2...lobby";
    static final String ALICE = "00000000-0000-4000-8000-00000000a11c";
    static final String BOB = "00000000-0000-4000-8000-000000000b0b";
    /** 2026-01-02T03:04:05Z in µs: a realistic create time. */
    static final long T0 = 1_767_323_045_000_000L;

    private HistoryFixtures() {
    }

    static StoredChannelMessage message(String channelId, long createTimeUs, String senderId, String content) {
        return StoredChannelMessage.newBuilder()
                .setChannelId(channelId)
                .setMessageId(UUID.randomUUID().toString())
                .setCode(0)
                .setSenderId(senderId)
                .setUsername(senderId.equals(ALICE) ? "alice" : "bob")
                .setContent(content)
                .setCreateTimeUs(createTimeUs)
                .setUpdateTimeUs(createTimeUs)
                .setRoomName(channelId.startsWith("2...") ? channelId.substring(4) : "")
                .build();
    }

    /** Offers the op and waits for its result. */
    static WriteResult write(HistoryWriter writer, Function<Consumer<WriteResult>, WriteOp> op) {
        CompletableFuture<WriteResult> done = new CompletableFuture<>();
        assertTrue(writer.offer(op.apply(done::complete)), "offer refused");
        try {
            return done.get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("no result", e);
        }
    }

    static WriteResult append(HistoryWriter writer, StoredChannelMessage message) {
        return write(writer, done -> new WriteOp.Append(message, done));
    }

    /** Appends {@code n} messages one µs apart from {@code T0} and returns them, oldest first. */
    static List<StoredChannelMessage> appendMany(HistoryWriter writer, String channelId, int n) {
        List<StoredChannelMessage> all = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            StoredChannelMessage m = message(channelId, T0 + i, ALICE, "m" + i);
            WriteResult r = append(writer, m);
            if (!(r instanceof WriteResult.Ok)) {
                fail("append failed: " + r);
            }
            all.add(m);
        }
        return all;
    }

    /** Every message of the channel, following next cursors. */
    static List<StoredChannelMessage> listAll(HistoryStore history, String channelId, int limit, boolean forward)
            throws InvalidCursorException {
        List<StoredChannelMessage> all = new ArrayList<>();
        String cursor = null;
        for (int pages = 0; pages < 100_000; pages++) {
            HistoryPage page = history.list(channelId, limit, forward, cursor);
            all.addAll(page.messages());
            if (page.nextCursor() == null) {
                return all;
            }
            cursor = page.nextCursor();
        }
        throw new AssertionError("paging never ended");
    }

    /**
     * Occupies the writer thread: its callback runs until {@link #release()}, so whatever is
     * offered meanwhile waits in the queue and lands in one batch afterwards.
     */
    static final class WriterBlocker {
        private final CountDownLatch entered = new CountDownLatch(1);
        private final CountDownLatch release = new CountDownLatch(1);

        WriterBlocker(HistoryWriter writer) {
            assertTrue(writer.offer(new WriteOp.Remove(LOBBY, UUID.randomUUID().toString(), ALICE, r -> {
                entered.countDown();
                try {
                    release.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            })));
            try {
                assertTrue(entered.await(10, TimeUnit.SECONDS), "writer never ran the blocker");
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }

        void release() {
            release.countDown();
        }
    }
}
