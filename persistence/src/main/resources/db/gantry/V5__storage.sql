-- Storage objects (StorageStore): one row per (owner, collection, key), as RocksStorageStore keeps
-- them. collection and key are bytea holding their UTF-8 bytes: bytea compares bytewise whatever
-- the database's collation, so listings come in exactly the RocksDB store's order ("a" < "a\0b" <
-- "ab"), and a key may hold U+0000, which text cannot. value is text, exactly as written (jsonb
-- would reorder keys and change the version, the md5 of the text). Times are epoch microseconds.
CREATE TABLE storage_objects (
    user_id          uuid     NOT NULL,
    collection       bytea    NOT NULL,
    key              bytea    NOT NULL,
    value            text     NOT NULL,
    version          text     NOT NULL,
    read             smallint NOT NULL CHECK (read BETWEEN 0 AND 2),
    write            smallint NOT NULL CHECK (write BETWEEN 0 AND 1),
    create_time_us   bigint   NOT NULL,
    update_time_us   bigint   NOT NULL,
    -- reads, conditional writes and deletes by key; deleting an account is one range of it
    PRIMARY KEY (user_id, collection, key)
);

-- One owner's listing in a collection: ordered by read permission, then key.
CREATE INDEX storage_objects_by_user ON storage_objects (collection, user_id, read, key);

-- A collection's listing over every owner: ordered by read permission, key, then owner.
CREATE INDEX storage_objects_by_collection ON storage_objects (collection, read, key, user_id);
