-- Leaderboards and tournaments (a tournament is a board with a duration), and one record per
-- (board, period, owner), a period named by its expiry in epoch seconds (0: never resets). Every
-- field of StoredLeaderboard and StoredLeaderboardRecord is a typed column; ids are compared as
-- bytes (COLLATE "C"), so boards list in the order the RocksDB store lists them.
CREATE TABLE leaderboards (
    id             text COLLATE "C" PRIMARY KEY,
    authoritative  boolean NOT NULL,
    sort_order     integer NOT NULL,
    operator       integer NOT NULL,
    reset_schedule text    NOT NULL,
    -- a JSON object, kept as written (text, not jsonb, so that it round-trips exactly)
    metadata       text    NOT NULL,
    create_time    bigint  NOT NULL,
    category       integer NOT NULL,
    title          text    NOT NULL,
    description    text    NOT NULL,
    duration       integer NOT NULL,
    start_time     bigint  NOT NULL,
    end_time       bigint  NOT NULL,
    max_size       integer NOT NULL,
    max_num_score  integer NOT NULL,
    join_required  boolean NOT NULL,
    -- owners that joined or wrote (for max_size); the only column changes update
    size           integer NOT NULL
);

-- The primary key serves the reads by key (board, period, owner), the start-up scan of one period
-- (board, period) and the list of a board's periods (a loose index scan on its first two columns).
-- Records go with their board (ON DELETE CASCADE); the foreign key's check makes an insert into a
-- board being deleted fail instead of leaving a record behind.
CREATE TABLE leaderboard_records (
    leaderboard_id text COLLATE "C" NOT NULL REFERENCES leaderboards (id) ON DELETE CASCADE,
    expiry_time    bigint  NOT NULL CHECK (expiry_time >= 0),
    owner_id       uuid    NOT NULL,
    -- NULL: no username was given
    username       text,
    score          bigint  NOT NULL,
    subscore       bigint  NOT NULL,
    num_score      integer NOT NULL,
    max_num_score  integer NOT NULL,
    metadata       text    NOT NULL,
    create_time_us bigint  NOT NULL,
    update_time_us bigint  NOT NULL,
    PRIMARY KEY (leaderboard_id, expiry_time, owner_id)
);

-- An owner's records in every board and period: account deletion and deleteAllOf.
CREATE INDEX leaderboard_records_owner ON leaderboard_records (owner_id);
