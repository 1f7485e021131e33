package io.gantry.persistence;

import io.gantry.persistence.HistoryCursorCodec.Cursor;
import io.gantry.proto.storage.DumpRecord;
import io.gantry.proto.storage.StoredChannelMessage;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * {@link HistoryStore} on the {@code channel_messages} and {@code channel_dedup} tables of a
 * {@link PostgresStore} (migration {@code V3__history.sql}). Writes go through the
 * {@link PostgresCommitWriter}.
 *
 * <p>A page is one statement: a keyset scan of {@code channel_messages_position} from strictly
 * beyond the cursor's (create time, message id), one row more than the limit (is there a next
 * page?), with an uncorrelated sub-select of the nearest row at or behind the cursor (is there a
 * previous page?), evaluated once; one statement is one snapshot, so a page and its cursors
 * agree while the writer writes, as with the RocksDB iterator. Cursors are the RocksDB store's
 * ({@link HistoryCursorCodec}, the same key derivation), so they mean the same here.
 *
 * <p>Threads: any blocking thread.
 */
final class PostgresHistoryStore implements HistoryStore, StoreTransfer {

    /** Every column of a message, in the order {@link #message} reads them. */
    static final String COLUMNS = "message_id, channel_id, create_time_us, update_time_us, code, sender_id, username,"
            + " content, room_name, group_id, user_id_one, user_id_two, client_message_id";

    // Plans (EXPLAIN on 20,000 messages in 20 channels, HistoryQueryPlansTest):
    // the first page: Limit -> Index Scan [Backward] using channel_messages_position on channel_messages
    //   Index Cond: (channel_id = $1)
    static final String FIRST_UP = "SELECT " + COLUMNS + ", false FROM channel_messages"
            + " WHERE channel_id = ? ORDER BY create_time_us, message_id LIMIT ?";
    static final String FIRST_DOWN = "SELECT " + COLUMNS + ", false FROM channel_messages"
            + " WHERE channel_id = ? ORDER BY create_time_us DESC, message_id DESC LIMIT ?";
    // a page after a cursor: Limit, InitPlan 1 -> Limit -> Index Only Scan [Backward] using channel_messages_position
    //   (the nearest row at or behind the cursor: one index probe; an EXISTS here was planned as a Seq Scan)
    //   -> Index Scan [Backward] using channel_messages_position on channel_messages
    //   Index Cond: ((channel_id = $4) AND (ROW(create_time_us, message_id) > ROW($5, $6)))
    static final String AFTER_UP = "SELECT " + COLUMNS + ", COALESCE((SELECT true FROM channel_messages"
            + " WHERE channel_id = ? AND (create_time_us, message_id) <= (?, ?)"
            + " ORDER BY create_time_us DESC, message_id DESC LIMIT 1), false)"
            + " FROM channel_messages WHERE channel_id = ? AND (create_time_us, message_id) > (?, ?)"
            + " ORDER BY create_time_us, message_id LIMIT ?";
    static final String AFTER_DOWN = "SELECT " + COLUMNS + ", COALESCE((SELECT true FROM channel_messages"
            + " WHERE channel_id = ? AND (create_time_us, message_id) >= (?, ?)"
            + " ORDER BY create_time_us, message_id LIMIT 1), false)"
            + " FROM channel_messages WHERE channel_id = ? AND (create_time_us, message_id) < (?, ?)"
            + " ORDER BY create_time_us DESC, message_id DESC LIMIT ?";
    // Index Scan using channel_messages_pkey on channel_messages
    static final String BY_ID = "SELECT " + COLUMNS + " FROM channel_messages WHERE message_id = ?";
    // Index Scan using channel_dedup_pkey on channel_dedup
    static final String DEDUP = "SELECT message_id, create_time_us, expires_at_ms FROM channel_dedup"
            + " WHERE sender_id = ? AND client_message_id = ?";
    // Index Scan using channel_dedup_expiry on channel_dedup (Seq Scan once most entries are live: it reads them all anyway)
    static final String LIVE_DEDUP = "SELECT sender_id, client_message_id, message_id, create_time_us,"
            + " expires_at_ms FROM channel_dedup WHERE expires_at_ms > ?";
    static final String INSERT = "INSERT INTO channel_messages (" + COLUMNS + ")"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    /** Rows fetched per round trip by the export. */
    private static final int EXPORT_FETCH = 1_000;

    private final PostgresStore store;
    private final PostgresDatabase db;
    private final HistoryCursorCodec cursors;

    PostgresHistoryStore(PostgresStore store, byte[] cursorKey) {
        this.store = store;
        this.db = store.db();
        this.cursors = new HistoryCursorCodec(cursorKey);
    }

    // ---- single messages ----

    @Override
    public Optional<StoredChannelMessage> get(String messageId) {
        UUID id = HistoryKeys.parseUuid(messageId);
        if (id == null) {
            return Optional.empty();
        }
        return Optional.ofNullable(db.read(c -> byId(c, id)));
    }

    static StoredChannelMessage byId(Connection c, UUID id) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(BY_ID)) {
            s.setObject(1, id);
            try (ResultSet r = s.executeQuery()) {
                return r.next() ? message(r) : null;
            }
        }
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
        HistoryKeys.channelPrefix(channelId); // the length check the RocksDB store makes
        Cursor incoming = null;
        if (cursorOrNull != null && !cursorOrNull.isEmpty()) {
            incoming = cursors.decode(channelId, cursorOrNull);
            if (incoming.forward() != forward) {
                // Nakama refuses a cursor of the other direction too: its position means
                // something else there.
                throw new InvalidCursorException();
            }
        }
        // A "prev" cursor scans against the listing's direction; the page is flipped back.
        boolean scanUp = incoming == null ? forward : incoming.scansForward();
        Cursor from = incoming;
        List<StoredChannelMessage> scanned = new ArrayList<>(limit + 1);
        boolean moreBehind = db.read(c -> {
            boolean behind = false;
            try (PreparedStatement s = c.prepareStatement(from == null
                    ? (scanUp ? FIRST_UP : FIRST_DOWN)
                    : (scanUp ? AFTER_UP : AFTER_DOWN))) {
                int i = 1;
                if (from != null) {
                    s.setString(i++, channelId);
                    s.setLong(i++, from.createTimeUs());
                    s.setObject(i++, from.messageId());
                }
                s.setString(i++, channelId);
                if (from != null) {
                    s.setLong(i++, from.createTimeUs());
                    s.setObject(i++, from.messageId());
                }
                s.setInt(i, limit + 1);
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        scanned.add(message(r));
                        behind = r.getBoolean(14);
                    }
                }
            }
            return behind;
        });
        boolean moreAhead = scanned.size() > limit;
        if (moreAhead) {
            scanned.remove(limit);
        }
        return cursors.page(channelId, forward, incoming, scanned, scanUp, moreAhead, moreBehind && !scanned.isEmpty());
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
        if (PostgresCommitWriter.unstorable(senderId) || PostgresCommitWriter.unstorable(clientMessageId)) {
            return Optional.empty(); // never stored: PostgreSQL text holds no NUL
        }
        DedupEntry entry = db.read(c -> {
            try (PreparedStatement s = c.prepareStatement(DEDUP)) {
                s.setString(1, senderId);
                s.setString(2, clientMessageId);
                try (ResultSet r = s.executeQuery()) {
                    return r.next() ? new DedupEntry(senderId, clientMessageId, r.getObject(1, UUID.class).toString(),
                            r.getLong(2), r.getLong(3)) : null;
                }
            }
        });
        return entry != null && entry.isLiveAt(store.clock().millis()) ? Optional.of(entry) : Optional.empty();
    }

    @Override
    public List<DedupEntry> loadRecentDedup(long nowMs) {
        return db.read(c -> {
            List<DedupEntry> live = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement(LIVE_DEDUP)) {
                s.setLong(1, nowMs);
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        live.add(new DedupEntry(r.getString(1), r.getString(2), r.getObject(3, UUID.class).toString(),
                                r.getLong(4), r.getLong(5)));
                    }
                }
            }
            return live;
        });
    }

    // ---- export and import ----

    /**
     * Every stored message, ordered by channel, create time and id. Dedup entries are transient
     * (an hour's retry window) and are not exported.
     */
    @Override
    public void exportTo(Consumer<DumpRecord> sink) {
        // A transaction, so the driver fetches in chunks instead of reading the table into memory.
        db.transaction(c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT " + COLUMNS
                    + " FROM channel_messages ORDER BY channel_id, create_time_us, message_id")) {
                s.setFetchSize(EXPORT_FETCH);
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        sink.accept(DumpRecord.newBuilder().setChannelMessage(message(r)).build());
                    }
                }
            }
            return null;
        });
    }

    /** Every message in one transaction, one batched insert. */
    @Override
    public void importRecords(List<DumpRecord> records) {
        for (DumpRecord record : records) {
            if (!accepts(record)) {
                throw new IllegalArgumentException("not a channel message record: " + record.getRecordCase());
            }
            StoredChannelMessage m = record.getChannelMessage();
            RocksHistoryStore.checkImportable(m);
            String unstorable = PostgresCommitWriter.unstorable(m);
            if (unstorable != null) {
                throw new IllegalArgumentException("channel message " + m.getMessageId() + ": " + unstorable);
            }
        }
        db.transaction(c -> {
            try (PreparedStatement s = c.prepareStatement(INSERT)) {
                for (DumpRecord record : records) {
                    bind(s, record.getChannelMessage());
                    s.addBatch();
                }
                s.executeBatch();
            }
            return null;
        });
    }

    @Override
    public boolean accepts(DumpRecord record) {
        return record.hasChannelMessage();
    }

    // ---- rows ----

    /** Binds a message to the 13 parameters of {@link #INSERT} (the order of {@link #COLUMNS}). */
    static void bind(PreparedStatement s, StoredChannelMessage m) throws SQLException {
        s.setObject(1, UUID.fromString(m.getMessageId()));
        s.setString(2, m.getChannelId());
        s.setLong(3, m.getCreateTimeUs());
        s.setLong(4, m.getUpdateTimeUs());
        s.setInt(5, m.getCode());
        s.setString(6, m.getSenderId());
        s.setString(7, m.getUsername());
        s.setString(8, m.getContent());
        s.setString(9, m.getRoomName());
        s.setString(10, m.getGroupId());
        s.setString(11, m.getUserIdOne());
        s.setString(12, m.getUserIdTwo());
        s.setString(13, m.getClientMessageId());
    }

    /** The message in the first 13 columns of the current row (the order of {@link #COLUMNS}). */
    static StoredChannelMessage message(ResultSet r) throws SQLException {
        return StoredChannelMessage.newBuilder()
                .setMessageId(r.getObject(1, UUID.class).toString())
                .setChannelId(r.getString(2))
                .setCreateTimeUs(r.getLong(3))
                .setUpdateTimeUs(r.getLong(4))
                .setCode(r.getInt(5))
                .setSenderId(r.getString(6))
                .setUsername(r.getString(7))
                .setContent(r.getString(8))
                .setRoomName(r.getString(9))
                .setGroupId(r.getString(10))
                .setUserIdOne(r.getString(11))
                .setUserIdTwo(r.getString(12))
                .setClientMessageId(r.getString(13))
                .build();
    }
}
