-- Groups and their memberships (PostgresGroupStore), as Nakama's groups and group_edge.
--
-- name is unique, case-sensitively, as Nakama's: its constraint is what makes a create or a
-- rename atomic across nodes (a violation of groups_name_key is GroupNameTakenException).
-- name_lower is the name lower-cased code point by code point in Java (RocksGroupStore.lower), so
-- the listing order and the ILIKE filter do not depend on the database's locale; collation "C"
-- orders it by code point, as the RocksDB store's keys are ordered.
CREATE TABLE groups (
    id             uuid     PRIMARY KEY,
    creator_id     uuid     NOT NULL,
    name           text     NOT NULL CONSTRAINT groups_name_key UNIQUE,
    name_lower     text     COLLATE "C" NOT NULL,
    description    text     NOT NULL,
    lang_tag       text     NOT NULL,
    metadata       text     NOT NULL,
    avatar_url     text     NOT NULL,
    open           boolean  NOT NULL,
    edge_count     integer  NOT NULL,
    max_count      integer  NOT NULL,
    create_time_us bigint   NOT NULL,
    update_time_us bigint   NOT NULL
);

-- Listing by name (with or without a pattern: its literal prefix is a range of this index).
CREATE INDEX groups_name_lower_id ON groups (name_lower, id);
-- Listing by member count (max members: backwards from the bound).
CREATE INDEX groups_edge_count_id ON groups (edge_count, id);
-- Listing by language, by member count.
CREATE INDEX groups_lang_edge_count_id ON groups (lang_tag, edge_count, id);

-- One membership per (group, user). state: 0 superadmin, 1 admin, 2 member, 3 join request,
-- 4 banned. position orders a state's users (epoch microseconds, about when the edge got it).
-- The primary key answers a user's state in a group; the two indexes are the two lists, with the
-- update time included so that a page is read from the index alone.
CREATE TABLE group_edges (
    group_id       uuid     NOT NULL,
    user_id        uuid     NOT NULL,
    state          smallint NOT NULL,
    position       bigint   NOT NULL,
    update_time_us bigint   NOT NULL,
    PRIMARY KEY (group_id, user_id)
);

-- A group's users by state then position.
CREATE INDEX group_edges_group_order ON group_edges (group_id, state, position, user_id) INCLUDE (update_time_us);
-- A user's groups by state then position (and an account deletion's edges).
CREATE INDEX group_edges_user_order ON group_edges (user_id, state, position, group_id) INCLUDE (update_time_us);
