-- Persistent notifications (NotificationStore), per user in creation order.
CREATE TABLE notifications (
    user_id        uuid    NOT NULL,
    -- epoch microseconds; orders a user's notifications and never changes
    create_time_us bigint  NOT NULL,
    id             uuid    NOT NULL,
    subject        text    NOT NULL,
    -- a JSON object, kept exactly as written
    content        text    NOT NULL,
    code           integer NOT NULL,
    sender_id      text    NOT NULL,
    -- a user's listing is a keyset scan of this key: user_id = ? AND (create_time_us, id) > (?, ?)
    PRIMARY KEY (user_id, create_time_us, id)
);

-- Deletes name (user, id): found without scanning the user's whole list.
CREATE INDEX notifications_user_id ON notifications (user_id, id);
