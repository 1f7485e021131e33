package io.gantry.persistence;

import com.google.protobuf.InvalidProtocolBufferException;
import io.gantry.persistence.HistoryCursorCodec.Cursor;
import io.gantry.proto.storage.StoredChannelMessage;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * {@link HistoryStore} on the {@code channel_messages}, {@code channel_message_ids} and
 * {@code channel_dedup} column families of a {@link RocksStore}.
 *
 * <p>Threads: any. A listing runs on one RocksDB iterator, which reads one consistent snapshot,
 * so a page and its cursors agree even while the {@link GroupCommitWriter} writes.
 */
final class RocksHistoryStore implements HistoryStore {

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

        // Back to the listing's order; "ahead" and "behind" swap with it.
        boolean flipped = scanUp != forward;
        if (flipped) {
            Collections.reverse(scanned);
        }
        boolean hasNext = flipped ? moreBehind : moreAhead;
        boolean hasPrev = flipped ? moreAhead : moreBehind;

        String next = null;
        String prev = null;
        String cacheable = null;
        if (!scanned.isEmpty()) {
            StoredChannelMessage first = scanned.get(0);
            StoredChannelMessage last = scanned.get(scanned.size() - 1);
            if (hasNext) {
                next = encode(channelId, forward, true, last);
            }
            if (hasPrev) {
                prev = encode(channelId, forward, false, first);
            }
            cacheable = encode(channelId, true, true, forward ? last : first);
        } else if (incoming != null) {
            // Nothing new: a client that keeps polling with its cacheable cursor keeps its place.
            cacheable = cursors.encode(channelId,
                    new Cursor(true, true, incoming.createTimeUs(), incoming.messageId()));
        }
        return new HistoryPage(scanned, next, prev, cacheable);
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

    private String encode(String channelId, boolean forward, boolean next, StoredChannelMessage at) {
        return cursors.encode(channelId, new Cursor(forward, next, at.getCreateTimeUs(),
                UUID.fromString(at.getMessageId())));
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
