package io.gantry.persistence;

import io.gantry.proto.storage.DumpRecord;

import java.util.List;
import java.util.function.Consumer;

/**
 * A sub-store's part of {@code gantry export} and {@code gantry import}: every record it keeps, as
 * {@link DumpRecord}s, out; and the same records in, each exactly as it was (ids, create and update
 * times, versions, positions, counts), with every index the store keeps for it. The RocksDB and
 * PostgreSQL implementations of a sub-store both implement it, so data moves either way.
 *
 * <pre>{@code
 * rocks.storage().exportTo(record -> out.add(record));   // every storage object
 * postgres.storage().importRecords(out);                  // the same objects, on PostgreSQL
 * }</pre>
 *
 * <p>Threads: a blocking thread, while no client is served (the server is not running).
 */
public interface StoreTransfer {

    /** Hands every record this sub-store keeps to {@code sink}, kind by kind, in key order. */
    void exportTo(Consumer<DumpRecord> sink);

    /**
     * Stores records as {@link #exportTo} produced them, into a store that holds none of them yet:
     * all of one call, or (on an error) none. Records of kinds this sub-store does not keep are an
     * {@link IllegalArgumentException}.
     */
    void importRecords(List<DumpRecord> records);

    /** Whether {@code record} is of a kind this sub-store keeps. */
    boolean accepts(DumpRecord record);
}
