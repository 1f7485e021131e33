package io.gantry.persistence;

import io.gantry.proto.storage.StoredChannelMessage;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * Persisted chat messages per second with durable acks, through a store's writer: P producers
 * (senders), each with at most W messages waiting for their ack (a client that waits for acks),
 * for D seconds, on PostgreSQL ({@link PostgresCommitWriter}) and, as the baseline, on RocksDB
 * with synced writes ({@link GroupCommitWriter}). Modes: {@code plain} (no client message id: the
 * blind insert path) and {@code cid} (every send has a client message id: the read-then-write
 * path with its dedup claim). Not a test: run it by hand, from the repository's root:
 *
 * <pre>
 * nice -n 19 mvn -o -q -B -pl persistence -am test-compile dependency:build-classpath -Dmdep.outputFile=/tmp/cp.txt
 * nice -n 19 java -cp persistence/target/classes:persistence/target/test-classes:$(cat /tmp/cp.txt) \
 *     io.gantry.persistence.StoreWriterTiming [postgres://user:pass@host:5432/db | test] [seconds=10] [producers=64] [window=4]
 * </pre>
 *
 * {@code test} (the default) starts a throw-away PostgreSQL from Maven Central, which runs with
 * {@code fsync=off}: its figures say what the writer costs, not what a real server's commit costs.
 * Give a real server's address for those (its tables are created; the rows stay).
 */
public final class StoreWriterTiming {

    private StoreWriterTiming() {
    }

    public static void main(String[] args) throws Exception {
        String address = args.length > 0 ? args[0] : "test";
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        int producers = args.length > 2 ? Integer.parseInt(args[2]) : 64;
        int window = args.length > 3 ? Integer.parseInt(args[3]) : 4;
        StoreOptions options = new StoreOptions(true, 4);

        PostgresTestServer server = null;
        PostgresSettings settings;
        if (address.equals("test")) {
            server = PostgresTestServer.start();
            settings = new PostgresSettings(server.freshDatabase(), "postgres", "", 16, 5_000);
        } else {
            settings = PostgresSettings.parse(address);
        }
        try {
            for (String mode : List.of("plain", "cid")) {
                try (PostgresStore store = PostgresStore.open(settings, options, Clock.systemUTC())) {
                    run("postgres " + mode, store.writer(), mode.equals("cid"), seconds, producers, window);
                }
                Path dir = Files.createTempDirectory("writer-timing");
                try (RocksStore store = RocksStore.open(dir, options)) {
                    run("rocksdb  " + mode, store.writer(), mode.equals("cid"), seconds, producers, window);
                } finally {
                    try (Stream<Path> files = Files.walk(dir)) {
                        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                    }
                }
            }
        } finally {
            if (server != null) {
                server.close();
            }
        }
    }

    private static void run(String name, StoreWriter writer, boolean clientIds, int seconds, int producers, int window)
            throws InterruptedException {
        AtomicLong acked = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        long batchesBefore = writer.batchesWritten();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        List<Thread> threads = new ArrayList<>();
        for (int p = 0; p < producers; p++) {
            String sender = new UUID(0x5e4d, p).toString();
            String channel = "2...room-" + (p % 8);
            threads.add(new Thread(() -> {
                Semaphore inFlight = new Semaphore(window);
                long n = 0;
                while (System.nanoTime() < deadline) {
                    inFlight.acquireUninterruptibly();
                    StoredChannelMessage m = StoredChannelMessage.newBuilder().setChannelId(channel)
                            .setMessageId(UUID.randomUUID().toString()).setSenderId(sender).setUsername("player")
                            .setContent("{\"text\":\"hello there, message " + n + "\"}")
                            .setCreateTimeUs(System.currentTimeMillis() * 1000 + n % 1000).setRoomName(channel.substring(4))
                            .setClientMessageId(clientIds ? sender.substring(24) + "-" + n : "").build();
                    n++;
                    WriteOp op = new WriteOp.Append(m, r -> {
                        (r instanceof WriteResult.Ok ? acked : failed).incrementAndGet();
                        inFlight.release();
                    });
                    if (!writer.offer(op)) {
                        inFlight.release();
                        Thread.onSpinWait();
                    }
                }
                inFlight.acquireUninterruptibly(window); // every ack in
            }, "producer-" + p));
        }
        long start = System.nanoTime();
        threads.forEach(Thread::start);
        for (Thread t : threads) {
            t.join();
        }
        double elapsed = (System.nanoTime() - start) / 1e9;
        long batches = writer.batchesWritten() - batchesBefore;
        System.out.printf("%s: %,.0f acked messages/s (%,d in %.1f s, %d failed), %,d rounds, %.1f ops a round%n",
                name, acked.get() / elapsed, acked.get(), elapsed, failed.get(), batches,
                batches == 0 ? 0.0 : (double) (acked.get() + failed.get()) / batches);
    }
}
