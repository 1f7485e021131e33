-- Friend edges (FriendStore): one row per direction of a pair, user_id -> other_id, as Nakama's
-- user_edge and RocksFriendStore keep them. state 0 friend, 1 invite sent, 2 invite received,
-- 3 blocked; position orders a user's list within a state (epoch microseconds of the change, kept
-- when an invite is accepted or a friend blocked); update_time_us is epoch microseconds.
CREATE TABLE friend_edges (
    user_id          uuid     NOT NULL,
    other_id         uuid     NOT NULL,
    state            smallint NOT NULL CHECK (state BETWEEN 0 AND 3),
    position         bigint   NOT NULL,
    update_time_us   bigint   NOT NULL,
    -- one edge per ordered pair; counts are an index-only range of it
    PRIMARY KEY (user_id, other_id),
    CHECK (user_id <> other_id)
);

-- A user's list: by state, then position, then the other user (the order is total).
CREATE INDEX friend_edges_list ON friend_edges (user_id, state, position, other_id);

-- Edges into a user: deleting an account deletes those too.
CREATE INDEX friend_edges_incoming ON friend_edges (other_id);
