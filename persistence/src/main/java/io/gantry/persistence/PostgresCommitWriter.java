package io.gantry.persistence;

import io.gantry.proto.storage.StoredChannelMessage;
import io.gantry.proto.storage.StoredNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The PostgreSQL twin of {@link GroupCommitWriter}: the store's one writer of channel history and
 * of the server's notifications (queues, thread, callbacks and close are {@link StoreCommitLoop}'s).
 * A round is ONE transaction: the rows of its messages and their dedup entries, its updates and
 * removals, and its notifications, committed before any callback of the round runs; if anything of
 * it fails (the database away included) nothing of it is stored, every op is answered
 * {@link WriteResult.Failed}, and the next round goes on.
 *
 * <p>A round of appends alone (the chat hot path) costs two round trips: one insert of every
 * message ({@code unnest} of column arrays, {@code ON CONFLICT (message_id) DO NOTHING RETURNING}),
 * then the commit; with client message ids, a read of their dedup entries before and the claim of
 * the new ones after. A round with updates or removals first reads, in the same transaction, the
 * stored messages its ops name ({@code FOR UPDATE}, so another node's writer cannot change them
 * under it). Every round then decides every op in offer order over an overlay of what
 * the round's earlier ops did (an update right after its append, a resend in the same round), and
 * writes the outcome: inserts, updates, deletes, dedup entries, notifications, one statement (or
 * one batch) each. A dedup entry is claimed with {@code ON CONFLICT ... WHERE expires_at_ms <= now}:
 * if another node claimed the same (sender, client message id) meanwhile, the round is run again,
 * and then sees it and answers {@link WriteResult.Duplicate}, so two nodes never store one resend
 * twice. A round of appends that finds one of its ids taken is run again reading the messages first, which
 * answers that op alone {@link WriteResult.Failed}.
 *
 * <p>Text PostgreSQL cannot hold (a NUL character), or a channel id too long for the position index
 * ({@value #MAX_KEY_BYTES} UTF-8 bytes), fails its own op before the round is written (or its own
 * notification write), never the round.
 *
 * <p>Threads: {@link #offer} and the counters for any thread; the rest on the writer thread.
 */
final class PostgresCommitWriter extends StoreCommitLoop {

    private static final Logger LOG = LoggerFactory.getLogger(PostgresCommitWriter.class);

    /**
     * The longest channel id (and sender id plus client message id) the writer stores: a B-tree
     * entry must fit in a third of a page, about 2,700 bytes; the RocksDB store takes 65,535.
     */
    static final int MAX_KEY_BYTES = 2_048;
    /** Rows per purge statement, so a long-neglected purge does not hold one huge transaction. */
    private static final int DEDUP_PURGE_CHUNK = 10_000;
    /** SQLSTATE that makes {@link PostgresDatabase#transaction} run the round again. */
    private static final String RUN_AGAIN = "40001";

    // Plans (EXPLAIN with 20,000 messages, 2,000 dedup entries, HistoryQueryPlansTest):
    // Insert on channel_messages, Conflict Arbiter Indexes: channel_messages_pkey -> Function Scan on unnest
    static final String INSERT_MESSAGES = "INSERT INTO channel_messages (" + PostgresHistoryStore.COLUMNS + ")"
            + " SELECT * FROM unnest(?::uuid[], ?::text[], ?::int8[], ?::int8[], ?::int4[], ?::text[], ?::text[],"
            + " ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[])"
            + " ON CONFLICT (message_id) DO NOTHING RETURNING message_id";
    // LockRows -> Bitmap Heap Scan on channel_messages -> Bitmap Index Scan on channel_messages_pkey,
    //   Index Cond: (message_id = ANY ($1))
    static final String LOCK_MESSAGES = "SELECT " + PostgresHistoryStore.COLUMNS
            + " FROM channel_messages WHERE message_id = ANY (?::uuid[]) FOR UPDATE";
    // Nested Loop -> Function Scan on unnest k, Index Scan using channel_dedup_pkey on channel_dedup d
    static final String FIND_DEDUP = "SELECT d.sender_id, d.client_message_id, d.message_id, d.create_time_us,"
            + " d.expires_at_ms FROM unnest(?::text[], ?::text[]) AS k(s, c)"
            + " JOIN channel_dedup d ON d.sender_id = k.s AND d.client_message_id = k.c";
    // Insert on channel_dedup, Conflict Arbiter Indexes: channel_dedup_pkey -> Function Scan on unnest
    static final String CLAIM_DEDUP = "INSERT INTO channel_dedup AS d"
            + " (sender_id, client_message_id, message_id, create_time_us, expires_at_ms)"
            + " SELECT * FROM unnest(?::text[], ?::text[], ?::uuid[], ?::int8[], ?::int8[])"
            + " ON CONFLICT (sender_id, client_message_id) DO UPDATE SET message_id = EXCLUDED.message_id,"
            + " create_time_us = EXCLUDED.create_time_us, expires_at_ms = EXCLUDED.expires_at_ms"
            + " WHERE d.expires_at_ms <= ? RETURNING 1";
    // Update on channel_messages -> Index Scan using channel_messages_pkey
    static final String UPDATE_MESSAGE = "UPDATE channel_messages SET (channel_id, create_time_us,"
            + " update_time_us, code, sender_id, username, content, room_name, group_id, user_id_one, user_id_two,"
            + " client_message_id) = (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) WHERE message_id = ?";
    // Delete on channel_messages -> Bitmap Heap Scan -> Bitmap Index Scan on channel_messages_pkey,
    //   Index Cond: (message_id = ANY ($1))
    static final String DELETE_MESSAGES = "DELETE FROM channel_messages WHERE message_id = ANY (?::uuid[])";
    // Delete on channel_dedup, InitPlan 1 -> Limit -> Index Scan using channel_dedup_expiry; -> Tid Scan on channel_dedup
    static final String PURGE_DEDUP = "DELETE FROM channel_dedup WHERE ctid = ANY (ARRAY("
            + "SELECT ctid FROM channel_dedup WHERE expires_at_ms <= ? LIMIT " + DEDUP_PURGE_CHUNK + "))";

    /** Runs inside a round's transaction just before its commit; tests make it throw. */
    @FunctionalInterface
    interface RoundHook {
        void beforeCommit(Connection connection) throws SQLException;
    }

    private final PostgresDatabase db;
    private final PostgresNotificationStore notifications;
    private final Clock clock;
    private final long defaultDedupWindowMs;
    private volatile RoundHook beforeCommit = c -> { };

    // ---- writer-thread state, rebuilt by every attempt of a round ----
    /** Messages as stored before the round (read FOR UPDATE), by id. */
    private final Map<UUID, StoredChannelMessage> stored = new HashMap<>();
    /** Messages as the round's ops left them (null: removed), by id. */
    private final Map<UUID, StoredChannelMessage> touched = new LinkedHashMap<>();
    /** Dedup entries as stored before the round, by sender + NUL + client message id. */
    private final Map<String, DedupEntry> storedDedup = new HashMap<>();
    /** Dedup entries the round writes, in the order its ops made them. */
    private final Map<String, DedupEntry> touchedDedup = new LinkedHashMap<>();
    /** Whether this attempt reads the messages its ops name first (not for appends alone, unless an id was taken). */
    private boolean readMessages;
    /** Whether this attempt reads the dedup entries of its client message ids first. */
    private boolean readDedup;

    PostgresCommitWriter(PostgresStore store, PostgresNotificationStore notifications, StoreOptions options) {
        super(store.clock(), options);
        this.db = store.db();
        this.notifications = notifications;
        this.clock = store.clock();
        this.defaultDedupWindowMs = options.dedupWindowMs();
    }

    /** Test hook: runs in every round's transaction before the commit. */
    void beforeCommit(RoundHook hook) {
        this.beforeCommit = hook;
    }

    // ---- a round ----

    @Override
    void writeRound(List<WriteOp> ops, List<NotificationWrite> writes, List<WriteResult> results,
                    List<StoreException> notificationFailures) {
        List<StoredNotification> toStore = new ArrayList<>();
        for (int i = 0, m = writes.size(); i < m; i++) {
            String problem = unstorableNotifications(writes.get(i).notifications());
            if (problem != null) {
                notificationFailures.set(i, new StoreException(problem, null));
            } else {
                toStore.addAll(writes.get(i).notifications());
            }
        }
        // Appends alone need not read the messages first (their ids are fresh; the insert tells if
        // one was not); client message ids need their dedup entries read.
        readMessages = false;
        readDedup = false;
        for (int i = 0, n = ops.size(); i < n; i++) {
            if (ops.get(i) instanceof WriteOp.Append a) {
                readDedup |= !a.message().getClientMessageId().isEmpty();
            } else {
                readMessages = true;
            }
        }
        long now = clock.millis();
        try {
            db.transaction(c -> {
                results.clear();
                stored.clear();
                touched.clear();
                storedDedup.clear();
                touchedDedup.clear();
                load(c, ops);
                for (int i = 0, n = ops.size(); i < n; i++) {
                    results.add(apply(ops.get(i), now));
                }
                writeMessages(c);
                claimDedup(c, now);
                if (!toStore.isEmpty()) {
                    notifications.insert(c, toStore);
                }
                beforeCommit.beforeCommit(c);
                return null;
            });
        } finally {
            stored.clear();
            touched.clear();
            storedDedup.clear();
            touchedDedup.clear();
        }
    }

    /**
     * Reads, locking them, the stored messages the ops name (if {@link #readMessages}), and the dedup
     * entries of their client ids (if {@link #readDedup}).
     */
    private void load(Connection c, List<WriteOp> ops) throws SQLException {
        if (!readMessages && !readDedup) {
            return;
        }
        Set<String> ids = new HashSet<>();
        List<String> senders = new ArrayList<>();
        List<String> clientIds = new ArrayList<>();
        for (WriteOp op : ops) {
            if (op instanceof WriteOp.Append append) {
                StoredChannelMessage m = append.message();
                ids.add(m.getMessageId());
                if (!m.getClientMessageId().isEmpty() && unstorable(m) == null) {
                    senders.add(m.getSenderId());
                    clientIds.add(m.getClientMessageId());
                }
            } else {
                String id = op instanceof WriteOp.Update u ? u.messageId() : ((WriteOp.Remove) op).messageId();
                UUID uuid = HistoryKeys.parseUuid(id);
                if (uuid != null) {
                    ids.add(uuid.toString());
                }
            }
        }
        if (readMessages && !ids.isEmpty()) {
            try (PreparedStatement s = c.prepareStatement(LOCK_MESSAGES)) {
                s.setArray(1, c.createArrayOf("text", ids.toArray()));
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        StoredChannelMessage m = PostgresHistoryStore.message(r);
                        stored.put(UUID.fromString(m.getMessageId()), m);
                    }
                }
            }
        }
        if (readDedup && !senders.isEmpty()) {
            try (PreparedStatement s = c.prepareStatement(FIND_DEDUP)) {
                s.setArray(1, c.createArrayOf("text", senders.toArray()));
                s.setArray(2, c.createArrayOf("text", clientIds.toArray()));
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        DedupEntry e = new DedupEntry(r.getString(1), r.getString(2),
                                r.getObject(3, UUID.class).toString(), r.getLong(4), r.getLong(5));
                        storedDedup.put(e.senderId() + '\0' + e.clientMessageId(), e);
                    }
                }
            }
        }
    }

    private WriteResult apply(WriteOp op, long now) {
        if (op instanceof WriteOp.Append append) {
            return append(append, now);
        } else if (op instanceof WriteOp.Update update) {
            return update(update);
        } else {
            return remove((WriteOp.Remove) op);
        }
    }

    private WriteResult append(WriteOp.Append op, long now) {
        StoredChannelMessage message = op.message();
        String problem = unstorable(message);
        if (problem != null) {
            return new WriteResult.Failed(problem);
        }
        UUID id = UUID.fromString(message.getMessageId());
        String sender = message.getSenderId();
        String clientId = message.getClientMessageId();
        String dedupKey = null;
        if (!clientId.isEmpty()) {
            dedupKey = sender + '\0' + clientId;
            if (readDedup) {
                DedupEntry earlier = touchedDedup.containsKey(dedupKey)
                        ? touchedDedup.get(dedupKey) : storedDedup.get(dedupKey);
                if (earlier != null && earlier.isLiveAt(now)) {
                    return new WriteResult.Duplicate(earlier);
                }
            }
        }
        if (touched.containsKey(id) ? touched.get(id) != null : stored.containsKey(id)) {
            // A second message under one id would replace the first one.
            return new WriteResult.Failed("message id " + id + " already exists");
        }
        touched.put(id, message);
        long window = op.dedupWindowMs() == WriteOp.Append.STORE_DEFAULT_WINDOW
                ? defaultDedupWindowMs : op.dedupWindowMs();
        if (dedupKey != null && window > 0) {
            long expiresAt = window > Long.MAX_VALUE - now ? Long.MAX_VALUE : now + window;
            touchedDedup.put(dedupKey, new DedupEntry(sender, clientId, message.getMessageId(),
                    message.getCreateTimeUs(), expiresAt));
        }
        return new WriteResult.Ok(message);
    }

    private WriteResult update(WriteOp.Update op) {
        UUID id = HistoryKeys.parseUuid(op.messageId());
        StoredChannelMessage current = id == null ? null : lookup(id);
        if (current == null || !current.getChannelId().equals(op.channelId())) {
            return WriteResult.NOT_FOUND;
        }
        if (!current.getSenderId().equals(op.senderId())) {
            return WriteResult.NOT_OWNER;
        }
        if (op.newContent().indexOf('\0') >= 0) {
            return new WriteResult.Failed("PostgreSQL text cannot hold a NUL character");
        }
        StoredChannelMessage updated = current.toBuilder()
                .setContent(op.newContent())
                .setUpdateTimeUs(op.updateTimeUs())
                .build();
        touched.put(id, updated);
        return new WriteResult.Ok(updated);
    }

    private WriteResult remove(WriteOp.Remove op) {
        UUID id = HistoryKeys.parseUuid(op.messageId());
        StoredChannelMessage current = id == null ? null : lookup(id);
        if (current == null || !current.getChannelId().equals(op.channelId())) {
            return WriteResult.NOT_FOUND;
        }
        if (!current.getSenderId().equals(op.senderId())) {
            return WriteResult.NOT_OWNER;
        }
        touched.put(id, null);
        return new WriteResult.Ok(current);
    }

    /** The message as this round left it, else as stored; {@code null} if there is none. */
    private StoredChannelMessage lookup(UUID id) {
        return touched.containsKey(id) ? touched.get(id) : stored.get(id);
    }

    /** The round's net effect on {@code channel_messages}: inserts, updates, deletes. */
    private void writeMessages(Connection c) throws SQLException {
        List<StoredChannelMessage> inserts = new ArrayList<>();
        List<StoredChannelMessage> updates = new ArrayList<>();
        List<String> deletes = new ArrayList<>();
        for (Map.Entry<UUID, StoredChannelMessage> e : touched.entrySet()) {
            boolean existed = stored.containsKey(e.getKey());
            if (e.getValue() == null) {
                if (existed) {
                    deletes.add(e.getKey().toString());
                }
            } else if (existed) {
                updates.add(e.getValue());
            } else {
                inserts.add(e.getValue());
            }
        }
        if (!deletes.isEmpty()) {
            try (PreparedStatement s = c.prepareStatement(DELETE_MESSAGES)) {
                s.setArray(1, c.createArrayOf("text", deletes.toArray()));
                s.executeUpdate();
            }
        }
        if (!updates.isEmpty()) {
            try (PreparedStatement s = c.prepareStatement(UPDATE_MESSAGE)) {
                for (StoredChannelMessage m : updates) {
                    s.setString(1, m.getChannelId());
                    s.setLong(2, m.getCreateTimeUs());
                    s.setLong(3, m.getUpdateTimeUs());
                    s.setInt(4, m.getCode());
                    s.setString(5, m.getSenderId());
                    s.setString(6, m.getUsername());
                    s.setString(7, m.getContent());
                    s.setString(8, m.getRoomName());
                    s.setString(9, m.getGroupId());
                    s.setString(10, m.getUserIdOne());
                    s.setString(11, m.getUserIdTwo());
                    s.setString(12, m.getClientMessageId());
                    s.setObject(13, UUID.fromString(m.getMessageId()));
                    s.addBatch();
                }
                s.executeBatch();
            }
        }
        if (!inserts.isEmpty()) {
            insert(c, inserts);
        }
    }

    /** One statement for every new message; a taken id runs the round again, reading first. */
    private void insert(Connection c, List<StoredChannelMessage> messages) throws SQLException {
        int n = messages.size();
        String[] ids = new String[n];
        String[] channels = new String[n];
        Long[] created = new Long[n];
        Long[] updated = new Long[n];
        Integer[] codes = new Integer[n];
        String[][] text = new String[8][n];
        for (int i = 0; i < n; i++) {
            StoredChannelMessage m = messages.get(i);
            ids[i] = m.getMessageId();
            channels[i] = m.getChannelId();
            created[i] = m.getCreateTimeUs();
            updated[i] = m.getUpdateTimeUs();
            codes[i] = m.getCode();
            text[0][i] = m.getSenderId();
            text[1][i] = m.getUsername();
            text[2][i] = m.getContent();
            text[3][i] = m.getRoomName();
            text[4][i] = m.getGroupId();
            text[5][i] = m.getUserIdOne();
            text[6][i] = m.getUserIdTwo();
            text[7][i] = m.getClientMessageId();
        }
        int inserted = 0;
        try (PreparedStatement s = c.prepareStatement(INSERT_MESSAGES)) {
            s.setArray(1, c.createArrayOf("text", ids));
            s.setArray(2, c.createArrayOf("text", channels));
            s.setArray(3, c.createArrayOf("int8", created));
            s.setArray(4, c.createArrayOf("int8", updated));
            s.setArray(5, c.createArrayOf("int4", codes));
            for (int k = 0; k < 8; k++) {
                s.setArray(6 + k, c.createArrayOf("text", text[k]));
            }
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    inserted++;
                }
            }
        }
        if (inserted != n) {
            // An id was taken: by an earlier round (a round of appends does not look first), or by
            // another node's writer a moment ago. Read, and decide again.
            readMessages = true;
            throw new SQLException((n - inserted) + " of " + n + " message ids were taken; running the round again",
                    RUN_AGAIN);
        }
    }

    /** Writes the round's dedup entries, unless another node holds a live one for a key meanwhile. */
    private void claimDedup(Connection c, long now) throws SQLException {
        int n = touchedDedup.size();
        if (n == 0) {
            return;
        }
        if (!readDedup) {
            // Duplicates were not looked for (never, since a client id sets it): read first.
            readDedup = true;
            throw new SQLException("a round with client message ids reads its dedup entries first", RUN_AGAIN);
        }
        String[] senders = new String[n];
        String[] clientIds = new String[n];
        String[] ids = new String[n];
        Long[] created = new Long[n];
        Long[] expires = new Long[n];
        int i = 0;
        for (DedupEntry e : touchedDedup.values()) {
            senders[i] = e.senderId();
            clientIds[i] = e.clientMessageId();
            ids[i] = e.messageId();
            created[i] = e.createTimeUs();
            expires[i] = e.expiresAtMs();
            i++;
        }
        int claimed = 0;
        try (PreparedStatement s = c.prepareStatement(CLAIM_DEDUP)) {
            s.setArray(1, c.createArrayOf("text", senders));
            s.setArray(2, c.createArrayOf("text", clientIds));
            s.setArray(3, c.createArrayOf("text", ids));
            s.setArray(4, c.createArrayOf("int8", created));
            s.setArray(5, c.createArrayOf("int8", expires));
            s.setLong(6, now);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    claimed++;
                }
            }
        }
        if (claimed != n) {
            throw new SQLException("another writer stored a client message id of this round; running the round again",
                    RUN_AGAIN);
        }
    }

    @Override
    void purgeExpiredDedup(long nowMs) {
        try {
            int purged = 0;
            for (int deleted = DEDUP_PURGE_CHUNK; deleted == DEDUP_PURGE_CHUNK; ) {
                deleted = db.read(c -> {
                    try (PreparedStatement s = c.prepareStatement(PURGE_DEDUP)) {
                        s.setLong(1, nowMs);
                        return s.executeUpdate();
                    }
                });
                purged += deleted;
            }
            if (purged > 0) {
                LOG.debug("Purged {} expired dedup entries", purged);
            }
        } catch (RuntimeException e) {
            LOG.warn("Purging expired dedup entries failed; will retry", e);
        }
    }

    // ---- what PostgreSQL cannot store ----

    /** Why this message cannot be stored here, or {@code null} if it can. */
    static String unstorable(StoredChannelMessage m) {
        if (utf8Longer(m.getChannelId(), MAX_KEY_BYTES)) {
            return "channel id longer than " + MAX_KEY_BYTES + " UTF-8 bytes";
        }
        if (!m.getClientMessageId().isEmpty()
                && utf8Longer(m.getSenderId() + m.getClientMessageId(), MAX_KEY_BYTES)) {
            return "sender id and client message id longer than " + MAX_KEY_BYTES + " UTF-8 bytes";
        }
        if (unstorable(m.getChannelId()) || unstorable(m.getSenderId()) || unstorable(m.getUsername())
                || unstorable(m.getContent()) || unstorable(m.getRoomName()) || unstorable(m.getGroupId())
                || unstorable(m.getUserIdOne()) || unstorable(m.getUserIdTwo()) || unstorable(m.getClientMessageId())) {
            return "PostgreSQL text cannot hold a NUL character";
        }
        return null;
    }

    /** Why these notifications cannot be stored here, or {@code null} if they can. */
    static String unstorableNotifications(List<StoredNotification> list) {
        for (StoredNotification n : list) {
            if (unstorable(n.getSubject()) || unstorable(n.getContent()) || unstorable(n.getSenderId())) {
                return "notification " + n.getId() + ": PostgreSQL text cannot hold a NUL character";
            }
        }
        return null;
    }

    /** Whether PostgreSQL text cannot hold {@code s} (it holds every character but NUL). */
    static boolean unstorable(String s) {
        return s.indexOf('\0') >= 0;
    }

    private static boolean utf8Longer(String s, int bytes) {
        // At most 3 bytes per UTF-16 char: short strings need no encoding to tell.
        return s.length() * 3L > bytes && s.getBytes(StandardCharsets.UTF_8).length > bytes;
    }
}
