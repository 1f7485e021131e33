-- Channel history (HistoryStore) and retry-safe send entries, written by PostgresCommitWriter.
-- Text the store compares byte for byte uses the "C" collation: equality and order are those of
-- the UTF-8 bytes, as in the RocksDB store's keys, and no locale is consulted.

-- One row per stored message, every field of StoredChannelMessage in a typed column.
CREATE TABLE channel_messages (
    message_id        uuid    NOT NULL PRIMARY KEY,
    channel_id        text    COLLATE "C" NOT NULL,
    -- epoch microseconds; orders the channel and never changes
    create_time_us    bigint  NOT NULL,
    update_time_us    bigint  NOT NULL,
    code              integer NOT NULL,
    sender_id         text    NOT NULL,
    username          text    NOT NULL,
    content           text    NOT NULL,
    room_name         text    NOT NULL,
    group_id          text    NOT NULL,
    user_id_one       text    NOT NULL,
    user_id_two       text    NOT NULL,
    client_message_id text    NOT NULL
);

-- A channel's history in order: every page is a keyset scan of this index, either way
-- (channel_id = ? AND (create_time_us, message_id) > (?, ?) ORDER BY create_time_us, message_id).
CREATE UNIQUE INDEX channel_messages_position ON channel_messages (channel_id, create_time_us, message_id);

-- (sender, client message id) -> the message its first send stored, until expires_at_ms.
-- The primary key is what makes two nodes' concurrent resends store one message.
CREATE TABLE channel_dedup (
    sender_id         text   COLLATE "C" NOT NULL,
    client_message_id text   COLLATE "C" NOT NULL,
    message_id        uuid   NOT NULL,
    create_time_us    bigint NOT NULL,
    -- epoch milliseconds, exclusive
    expires_at_ms     bigint NOT NULL,
    PRIMARY KEY (sender_id, client_message_id)
);

-- The purge (expires_at_ms <= now) and the start-up warm-up (expires_at_ms > now).
CREATE INDEX channel_dedup_expiry ON channel_dedup (expires_at_ms);
