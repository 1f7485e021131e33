package io.gantry.persistence;

import com.google.protobuf.InvalidProtocolBufferException;
import io.gantry.persistence.HistoryCursorCodec.Cursor;
import io.gantry.proto.storage.DumpRecord;
import io.gantry.proto.storage.StoredChannelMessage;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatch;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * {@link HistoryStore} on the {@code channel_messages}, {@code channel_message_ids} and
 * {@code channel_dedup} column families of a {@link RocksStore}.
 *
 * <p>Threads: any. A listing runs on one RocksDB iterator, which reads one consistent snapshot,
 * so a page and its cursors agree even while the {@link GroupCommitWriter} writes.
 */
final class RocksHistoryStore implements HistoryStore, StoreTransfer {

    private final RocksStore store;
    private final RocksDB db;
    private final ColumnFamilyHandle messagesCf;
    private final ColumnFamilyHandle idsCf;
    private final ColumnFamilyHandle dedupCf;
    private final HistoryCursorCodec cursors;

    RocksHistoryStore(RocksStore store, byte[] cursorKey) {
        this.store = store;
        this.db = store.db();
        this.messagesCf = store.handle(StoreColumnFamily.CHANNEL_MESSAGES);
        this.idsCf = store.handle(StoreColumnFamily.CHANNEL_MESSAGE_IDS);
        this.dedupCf = store.handle(StoreColumnFamily.CHANNEL_DEDUP);
        this.cursors = new HistoryCursorCodec(cursorKey);
    }

    // ---- single messages ----

    @Override
    public Optional<StoredChannelMessage> get(String messageId) {
        UUID id = HistoryKeys.parseUuid(messageId);
        if (id == null) {
            return Optional.empty();
        }
        store.checkOpen();
        return Optional.ofNullable(byId(id));
    }

    /** The stored message with this id, or {@code null}. Also used by the writer thread. */
    StoredChannelMessage byId(UUID id) {
        byte[] key = read(idsCf, HistoryKeys.uuidBytes(id));
        if (key == null) {
            return null;
        }
        byte[] value = read(messagesCf, key);
        // Null only if a remove committed between the two reads: the message is gone.
        return value == null ? null : parse(value);
    }

    // ---- listing ----

    @Override
    public HistoryPage list(String channelId, int limit, boolean forward, String cursorOrNull)
            throws InvalidCursorException {
        if (channelId == null || channelId.isEmpty()) {
            throw new IllegalArgumentException("channelId must not be empty");
        }
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("limit must be in 1.." + MAX_LIMIT + ", was " + limit);
        }
        byte[] prefix = HistoryKeys.channelPrefix(channelId);
        Cursor incoming = null;
        if (cursorOrNull != null && !cursorOrNull.isEmpty()) {
            incoming = cursors.decode(channelId, cursorOrNull);
            if (incoming.forward() != forward) {
                // Nakama refuses a cursor of the other direction too: its position means
                // something else there.
                throw new InvalidCursorException();
            }
        }
        store.checkOpen();

        // The scan walks keys upwards or downwards; a "prev" cursor scans against the listing's
        // direction and the page is flipped back afterwards (Nakama's way).
        boolean scanUp = incoming == null ? forward : incoming.scansForward();
        byte[] from = incoming == null ? null
                : HistoryKeys.messageKey(prefix, incoming.createTimeUs(), incoming.messageId());

        List<StoredChannelMessage> scanned = new ArrayList<>(limit);
        boolean moreAhead = false;   // past the page's last item, in scan direction
        boolean moreBehind = false;  // before the page's first item, against scan direction
        try (RocksIterator it = db.newIterator(messagesCf)) {
            position(it, prefix, from, scanUp);
            while (it.isValid() && HistoryKeys.inChannel(it.key(), prefix)) {
                if (scanned.size() == limit) {
                    moreAhead = true;
                    break;
                }
                scanned.add(parse(it.value()));
                step(it, scanUp);
            }
            checkIterator(it);
            if (from != null && !scanned.isEmpty()) {
                // Behind the first item lie the cursor's position and everything beyond it.
                if (scanUp) {
                    it.seekForPrev(from);
                } else {
                    it.seek(from);
                }
                moreBehind = it.isValid() && HistoryKeys.inChannel(it.key(), prefix);
                checkIterator(it);
            }
        }

        return cursors.page(channelId, forward, incoming, scanned, scanUp, moreAhead, moreBehind);
    }

    /** Puts the iterator on the first entry the scan returns (maybe outside the channel). */
    private static void position(RocksIterator it, byte[] prefix, byte[] from, boolean scanUp) {
        if (from == null) {
            if (scanUp) {
                it.seek(prefix);
            } else {
                it.seekForPrev(HistoryKeys.channelEnd(prefix));
            }
            return;
        }
        // Strictly beyond the cursor's position: skip it when it is still there.
        if (scanUp) {
            it.seek(from);
            if (it.isValid() && Arrays.equals(it.key(), from)) {
                it.next();
            }
        } else {
            it.seekForPrev(from);
            if (it.isValid() && Arrays.equals(it.key(), from)) {
                it.prev();
            }
        }
    }

    private static void step(RocksIterator it, boolean scanUp) {
        if (scanUp) {
            it.next();
        } else {
            it.prev();
        }
    }

    // ---- dedup ----

    @Override
    public Optional<DedupEntry> dedup(String senderId, String clientMessageId) {
        if (senderId == null || clientMessageId == null) {
            throw new IllegalArgumentException("senderId and clientMessageId must not be null");
        }
        if (clientMessageId.isEmpty()) {
            return Optional.empty();
        }
        store.checkOpen();
        DedupEntry entry = dedupEntry(senderId, clientMessageId);
        return entry != null && entry.isLiveAt(store.clock().millis()) ? Optional.of(entry) : Optional.empty();
    }

    /** The stored entry, expired or not, or {@code null}. Also used by the writer thread. */
    DedupEntry dedupEntry(String senderId, String clientMessageId) {
        byte[] key = HistoryKeys.dedupKey(senderId, clientMessageId);
        return HistoryKeys.dedupEntry(key, read(dedupCf, key));
    }

    @Override
    public List<DedupEntry> loadRecentDedup(long nowMs) {
        store.checkOpen();
        List<DedupEntry> live = new ArrayList<>();
        try (RocksIterator it = db.newIterator(dedupCf)) {
            for (it.seekToFirst(); it.isValid(); it.next()) {
                DedupEntry entry = HistoryKeys.dedupEntry(it.key(), it.value());
                if (entry != null && entry.isLiveAt(nowMs)) {
                    live.add(entry);
                }
            }
            checkIterator(it);
        }
        return live;
    }

    // ---- export and import ----

    /**
     * Every stored message, in key order (channel, create time, id). Dedup entries are transient
     * (an hour's retry window) and are not exported.
     */
    @Override
    public void exportTo(Consumer<DumpRecord> sink) {
        store.checkOpen();
        try (RocksIterator it = db.newIterator(messagesCf)) {
            for (it.seekToFirst(); it.isValid(); it.next()) {
                sink.accept(DumpRecord.newBuilder().setChannelMessage(parse(it.value())).build());
            }
            checkIterator(it);
        }
    }

    /** Each message under its key and its id index entry, all in one write batch. */
    @Override
    public void importRecords(List<DumpRecord> records) {
        for (DumpRecord record : records) {
            if (!accepts(record)) {
                throw new IllegalArgumentException("not a channel message record: " + record.getRecordCase());
            }
            checkImportable(record.getChannelMessage());
        }
        store.checkOpen();
        try (WriteBatch batch = new WriteBatch()) {
            for (DumpRecord record : records) {
                StoredChannelMessage m = record.getChannelMessage();
                byte[] key = HistoryKeys.messageKey(m);
                batch.put(messagesCf, key, m.toByteArray());
                batch.put(idsCf, HistoryKeys.uuidBytes(UUID.fromString(m.getMessageId())), key);
            }
            db.write(store.writeOptions(), batch);
        } catch (RocksDBException e) {
            throw new StoreException("importing " + records.size() + " channel messages failed", e);
        }
    }

    @Override
    public boolean accepts(DumpRecord record) {
        return record.hasChannelMessage();
    }

    /** What an imported message must be for its keys to exist: what {@link WriteOp.Append} checks. */
    static void checkImportable(StoredChannelMessage m) {
        if (m.getChannelId().isEmpty() || m.getCreateTimeUs() < 0 || HistoryKeys.parseUuid(m.getMessageId()) == null) {
            throw new IllegalArgumentException("not an importable channel message: id '" + m.getMessageId()
                    + "', channel '" + m.getChannelId() + "', create time " + m.getCreateTimeUs());
        }
        HistoryKeys.channelPrefix(m.getChannelId()); // length check
    }

    // ---- plumbing ----

    private byte[] read(ColumnFamilyHandle cf, byte[] key) {
        try {
            return db.get(cf, key);
        } catch (RocksDBException e) {
            throw new StoreException("RocksDB read failed", e);
        }
    }

    private static void checkIterator(RocksIterator it) {
        try {
            it.status();
        } catch (RocksDBException e) {
            throw new StoreException("RocksDB iteration failed", e);
        }
    }

    static StoredChannelMessage parse(byte[] value) {
        try {
            return StoredChannelMessage.parseFrom(value);
        } catch (InvalidProtocolBufferException e) {
            throw new StoreException("corrupt channel message record", e);
        }
    }
}
