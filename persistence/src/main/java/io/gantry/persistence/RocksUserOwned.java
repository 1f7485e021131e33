package io.gantry.persistence;

import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatch;

import java.util.concurrent.locks.Lock;

/**
 * A kind of record a user owns in the RocksDB store (storage objects, wallet ledger entries, ...):
 * what deleting an account must delete with it, in the same {@link WriteBatch} as the account, so
 * that a crash leaves the account and all it owns, or none of it.
 *
 * <p>The deletion holds {@link #writeLock()} of every part from building the batch until it is
 * written, so that no write of that kind slips in between.
 */
interface RocksUserOwned {

    /** The lock this kind's writers hold while they check and write. */
    Lock writeLock();

    /** Adds to {@code batch} the deletion of everything of this kind that {@code userId} owns. */
    void deleteAllOf(String userId, WriteBatch batch) throws RocksDBException;
}
