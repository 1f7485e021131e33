package io.gantry.persistence;

import io.gantry.persistence.HistoryCursorCodec.Cursor;
import io.gantry.proto.storage.DumpRecord;
import io.gantry.proto.storage.StoredNotification;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * {@link NotificationStore} on the {@code notifications} table of a {@link PostgresStore}
 * (migration {@code V4__notifications.sql}), keyed as the RocksDB store's records are: (user,
 * create time, id). Cursors are the RocksDB store's ({@link HistoryCursorCodec} with the user id for
 * the channel, signed with the key derived for notifications), so they mean the same here.
 *
 * <p>Ids are {@code uuid} columns, so a notification saved with upper-case ids lists with
 * lower-case ones (the server makes lower-case ids only).
 *
 * <p>Threads: any blocking thread. The server stores notifications through the
 * {@link PostgresCommitWriter} ({@link NotificationWrite}), in the transaction of its round.
 */
final class PostgresNotificationStore implements NotificationStore, StoreTransfer {

    private static final UUID BEGINNING = new UUID(0, 0);
    private static final String COLUMNS = "id, user_id, subject, content, code, sender_id, create_time_us";

    // Plans (EXPLAIN on 20,000 notifications of 200 users, HistoryQueryPlansTest):
    // Insert on notifications, Conflict Arbiter Indexes: notifications_pkey
    static final String INSERT = "INSERT INTO notifications (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?)"
            + " ON CONFLICT (user_id, create_time_us, id) DO NOTHING";
    // Limit -> Index Scan using notifications_pkey on notifications, Index Cond: (user_id = $1); for a user
    // with few rows the planner may take Sort -> Bitmap Heap Scan -> Bitmap Index Scan on notifications_user_id
    // (100 rows a user), as cheap; a user with many rows gets the ordered scan
    static final String FIRST = "SELECT " + COLUMNS + " FROM notifications WHERE user_id = ?"
            + " ORDER BY create_time_us, id LIMIT ?";
    // Limit -> Index Scan using notifications_pkey on notifications (or, a user with few rows: Sort -> Bitmap
    //   Heap Scan -> Bitmap Index Scan on notifications_pkey), Index Cond: ((user_id = $1) AND (ROW(create_time_us, id) > ROW($2, $3)))
    static final String AFTER = "SELECT " + COLUMNS + " FROM notifications WHERE user_id = ?"
            + " AND (create_time_us, id) > (?, ?) ORDER BY create_time_us, id LIMIT ?";
    // Delete on notifications -> Index Scan using notifications_user_id, Index Cond: ((user_id = $1) AND (id = ANY ($2)))
    static final String DELETE = "DELETE FROM notifications WHERE user_id = ? AND id = ANY (?::uuid[])";
    private static final int EXPORT_FETCH = 1_000;

    private final PostgresDatabase db;
    private final HistoryCursorCodec cursors;

    PostgresNotificationStore(PostgresStore store, byte[] historyCursorKey) {
        this.db = store.db();
        this.cursors = new HistoryCursorCodec(CursorMac.derive(historyCursorKey, "gantry notification cursors"));
    }

    // ---- writes ----

    @Override
    public void save(List<StoredNotification> notifications) {
        if (notifications.isEmpty()) {
            return;
        }
        for (StoredNotification n : notifications) {
            RocksNotificationStore.validate(n);
        }
        String problem = PostgresCommitWriter.unstorableNotifications(notifications);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
        db.transaction(c -> {
            insert(c, notifications);
            return null;
        });
    }

    /** Inserts validated notifications on {@code c} in one batch (the save above, the writer's rounds). */
    void insert(Connection c, List<StoredNotification> notifications) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(INSERT)) {
            for (StoredNotification n : notifications) {
                s.setObject(1, UUID.fromString(n.getId()));
                s.setObject(2, UUID.fromString(n.getUserId()));
                s.setString(3, n.getSubject());
                s.setString(4, n.getContent());
                s.setInt(5, n.getCode());
                s.setString(6, n.getSenderId());
                s.setLong(7, n.getCreateTimeUs());
                s.addBatch();
            }
            s.executeBatch();
        }
    }

    @Override
    public int delete(String userId, Collection<String> notificationIds) {
        UUID user = HistoryKeys.parseUuid(userId);
        if (user == null || notificationIds.isEmpty()) {
            return 0;
        }
        Set<String> ids = new LinkedHashSet<>();
        for (String text : notificationIds) {
            UUID id = HistoryKeys.parseUuid(text);
            if (id != null) {
                ids.add(id.toString());
            }
        }
        if (ids.isEmpty()) {
            return 0;
        }
        return db.read(c -> {
            try (PreparedStatement s = c.prepareStatement(DELETE)) {
                s.setObject(1, user);
                s.setArray(2, c.createArrayOf("text", ids.toArray()));
                return s.executeUpdate();
            }
        });
    }

    // ---- reads ----

    @Override
    public NotificationPage list(String userId, int limit, String cursorOrNull) throws InvalidCursorException {
        UUID user = HistoryKeys.parseUuid(userId);
        if (user == null) {
            throw new IllegalArgumentException("userId must be a UUID");
        }
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("limit must be in 1.." + MAX_LIMIT + ", was " + limit);
        }
        String owner = user.toString();
        Cursor incoming = null;
        if (cursorOrNull != null && !cursorOrNull.isEmpty()) {
            incoming = cursors.decode(owner, cursorOrNull);
            if (!incoming.forward() || !incoming.next()) {
                throw new InvalidCursorException();
            }
        }
        Cursor from = incoming;
        List<StoredNotification> page = db.read(c -> {
            List<StoredNotification> found = new ArrayList<>(Math.min(limit, 16));
            try (PreparedStatement s = c.prepareStatement(from == null ? FIRST : AFTER)) {
                int i = 1;
                s.setObject(i++, user);
                if (from != null) {
                    s.setLong(i++, from.createTimeUs());
                    s.setObject(i++, from.messageId());
                }
                s.setInt(i, limit);
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        found.add(notification(r));
                    }
                }
            }
            return found;
        });
        String cacheable;
        if (!page.isEmpty()) {
            StoredNotification last = page.get(page.size() - 1);
            cacheable = cursors.encode(owner, new Cursor(true, true, last.getCreateTimeUs(), UUID.fromString(last.getId())));
        } else if (incoming != null) {
            cacheable = cursorOrNull; // nothing newer: the client keeps its place
        } else {
            cacheable = cursors.encode(owner, new Cursor(true, true, 0, BEGINNING));
        }
        return new NotificationPage(page, cacheable);
    }

    // ---- export and import ----

    /** Every notification, ordered by user, create time and id (the RocksDB store's key order). */
    @Override
    public void exportTo(Consumer<DumpRecord> sink) {
        db.transaction(c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT " + COLUMNS
                    + " FROM notifications ORDER BY user_id, create_time_us, id")) {
                s.setFetchSize(EXPORT_FETCH);
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        sink.accept(DumpRecord.newBuilder().setNotification(notification(r)).build());
                    }
                }
            }
            return null;
        });
    }

    /** Every notification in one transaction, one batched insert. */
    @Override
    public void importRecords(List<DumpRecord> records) {
        List<StoredNotification> all = new ArrayList<>(records.size());
        for (DumpRecord record : records) {
            if (!accepts(record)) {
                throw new IllegalArgumentException("not a notification record: " + record.getRecordCase());
            }
            RocksNotificationStore.validate(record.getNotification());
            all.add(record.getNotification());
        }
        String problem = PostgresCommitWriter.unstorableNotifications(all);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
        db.transaction(c -> {
            insert(c, all);
            return null;
        });
    }

    @Override
    public boolean accepts(DumpRecord record) {
        return record.hasNotification();
    }

    private static StoredNotification notification(ResultSet r) throws SQLException {
        return StoredNotification.newBuilder()
                .setId(r.getObject(1, UUID.class).toString())
                .setUserId(r.getObject(2, UUID.class).toString())
                .setSubject(r.getString(3))
                .setContent(r.getString(4))
                .setCode(r.getInt(5))
                .setSenderId(r.getString(6))
                .setCreateTimeUs(r.getLong(7))
                .build();
    }
}
