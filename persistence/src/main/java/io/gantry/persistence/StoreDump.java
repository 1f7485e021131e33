package io.gantry.persistence;

import io.gantry.proto.storage.DumpHeader;
import io.gantry.proto.storage.DumpRecord;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code gantry export} and {@code gantry import}: every record of a {@link Store} to a stream and
 * back, so data moves between the embedded RocksDB and PostgreSQL (either way) with nothing lost.
 * The stream is a {@link DumpHeader}, then length-delimited {@link DumpRecord}s, sub-store by
 * sub-store in {@link Store#transfers()}'s order (accounts first, since other records name them).
 *
 * <pre>{@code
 * try (Store rocks = RocksStore.open(dataDir, options); OutputStream out = Files.newOutputStream(file)) {
 *     StoreDump.export(rocks, "rocksdb", out);
 * }
 * try (Store pg = PostgresStore.open(settings, options); InputStream in = Files.newInputStream(file)) {
 *     StoreDump.importInto(pg, in);          // refuses a store that already holds records
 * }
 * }</pre>
 *
 * <p>Threads: the caller's, with no server running on either store.
 */
public final class StoreDump {

    /** The header's format name. */
    public static final String FORMAT = "gantry-export";
    /** The header's version: what this code writes and reads. */
    public static final int VERSION = 1;
    /** Records handed to a sub-store's import at once. */
    private static final int BATCH = 1_000;

    private StoreDump() {
    }

    /**
     * Writes every record of {@code store} to {@code out} (not closed).
     *
     * @param source what the store is, for the header ({@code rocksdb}, {@code postgres})
     * @return the number of records written per kind (the oneof's case name), in kind order
     */
    public static Map<String, Long> export(Store store, String source, OutputStream out) {
        Map<String, Long> counts = new TreeMap<>();
        try {
            DumpRecord.newBuilder().setHeader(DumpHeader.newBuilder().setFormat(FORMAT).setVersion(VERSION)
                    .setSource(source).setCreateTimeMs(Clock.systemUTC().millis())).build().writeDelimitedTo(out);
            for (StoreTransfer transfer : store.transfers()) {
                transfer.exportTo(record -> {
                    try {
                        record.writeDelimitedTo(out);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                    counts.merge(kind(record), 1L, Long::sum);
                });
            }
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return counts;
    }

    /**
     * Reads an export from {@code in} into {@code store}, which must hold no records yet.
     *
     * @return the number of records imported per kind
     * @throws IllegalStateException    if the store already holds records (nothing is written)
     * @throws IllegalArgumentException if the stream is not an export this version reads, or holds a
     *                                  record no sub-store keeps
     */
    public static Map<String, Long> importInto(Store store, InputStream in) {
        List<StoreTransfer> transfers = store.transfers();
        for (StoreTransfer transfer : transfers) {
            transfer.exportTo(record -> {
                throw new IllegalStateException("the store already holds data (" + kind(record)
                        + " records at least): import into an empty store");
            });
        }
        Map<String, Long> counts = new TreeMap<>();
        try {
            DumpRecord first = DumpRecord.parseDelimitedFrom(in);
            if (first == null || !first.hasHeader() || !FORMAT.equals(first.getHeader().getFormat())) {
                throw new IllegalArgumentException("not a Gantry export (it does not start with its header)");
            }
            if (first.getHeader().getVersion() > VERSION) {
                throw new IllegalArgumentException("the export is of version " + first.getHeader().getVersion()
                        + "; this Gantry reads up to " + VERSION);
            }
            List<DumpRecord> batch = new ArrayList<>(BATCH);
            StoreTransfer batchOwner = null;
            DumpRecord record;
            while ((record = DumpRecord.parseDelimitedFrom(in)) != null) {
                StoreTransfer owner = owner(transfers, record);
                if (owner != batchOwner || batch.size() == BATCH) {
                    flush(batchOwner, batch);
                    batchOwner = owner;
                }
                batch.add(record);
                counts.merge(kind(record), 1L, Long::sum);
            }
            flush(batchOwner, batch);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return counts;
    }

    private static StoreTransfer owner(List<StoreTransfer> transfers, DumpRecord record) {
        for (StoreTransfer transfer : transfers) {
            if (transfer.accepts(record)) {
                return transfer;
            }
        }
        throw new IllegalArgumentException("no part of the store keeps " + kind(record) + " records");
    }

    private static void flush(StoreTransfer owner, List<DumpRecord> batch) {
        if (owner != null && !batch.isEmpty()) {
            owner.importRecords(List.copyOf(batch));
        }
        batch.clear();
    }

    /** The record's kind: its oneof case, lower-case ({@code account}, {@code storage_object}, ...). */
    public static String kind(DumpRecord record) {
        return record.getRecordCase().name().toLowerCase(java.util.Locale.ROOT);
    }
}
