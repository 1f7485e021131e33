package io.gantry.core.leaderboard;

import io.gantry.core.JsonText;
import io.gantry.core.ServiceException;
import io.gantry.persistence.LeaderboardStore;
import io.gantry.proto.storage.StoredLeaderboard;
import io.gantry.proto.storage.StoredLeaderboardRecord;
import io.gantry.runtime.AroundOwnerRequest;
import io.gantry.runtime.Leaderboard;
import io.gantry.runtime.LeaderboardCreate;
import io.gantry.runtime.LeaderboardRecord;
import io.gantry.runtime.LeaderboardRecordPage;
import io.gantry.runtime.LeaderboardRecordWrite;
import io.gantry.runtime.LeaderboardRecordsRequest;
import io.gantry.runtime.Operator;
import io.gantry.runtime.SortOrder;
import io.gantry.runtime.Tournament;
import io.gantry.runtime.TournamentCreate;
import io.gantry.runtime.TournamentListRequest;
import io.gantry.runtime.TournamentPage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Leaderboards and tournaments, with Nakama 3.18's rules and messages ({@code api_leaderboard.go},
 * {@code api_tournament.go}, {@code core_leaderboard.go}, {@code core_tournament.go}), for the REST
 * edge and server code alike.
 *
 * <pre>{@code
 * service.create(new LeaderboardCreate("global", false, SortOrder.DESCENDING, Operator.BEST, null, null));
 * LeaderboardRecord r = service.writeLeaderboardRecord(aliceId, new LeaderboardRecordWrite("global", aliceId, "alice", 42, 0, null, null));
 * LeaderboardRecordPage around = service.leaderboardRecordsAroundOwner(new AroundOwnerRequest("global", aliceId, 10, null, 0));
 * }</pre>
 *
 * <p>Boards are kept in memory (as Nakama's leaderboard cache) and in the {@link LeaderboardStore};
 * each period of a board (its records with one expiry) has a {@link RankIndex}, filled from the
 * store at {@link #start} for current periods and on first use for others, and updated inside each
 * store change (under the board's lock, after the commit) so that the index follows the store's
 * order of writes. Ordered pages and ranks come from the index (O(log n)); records' bodies come from
 * the store by key.
 *
 * <p>A {@code callerId} of null is server code: authoritative boards accept it. Threads: blocking
 * threads (the API and RPC executors).
 */
public final class LeaderboardService {

    static final int ASCENDING = 0;
    static final int DESCENDING = 1;
    static final int OP_BEST = 0;
    static final int OP_SET = 1;
    static final int OP_INCREMENT = 2;
    static final int OP_DECREMENT = 3;
    /** Nakama stores "no max size" as the largest int. */
    static final int NO_MAX_SIZE = Integer.MAX_VALUE;
    /** Nakama's column default for "no limit of writes" ({@code max_num_score}). */
    static final int DEFAULT_MAX_NUM_SCORE = 1_000_000;

    private static final Logger LOG = LoggerFactory.getLogger(LeaderboardService.class);
    private static final Pattern UUID_TEXT = Pattern.compile(
            "[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}");
    /** How many past periods of a board keep their index once read (the current one always does). */
    private static final int KEPT_PERIODS = 2;
    /** What a tournament listing's cursor starts with, before the last listed id. */
    private static final String TOURNAMENT_CURSOR = "gantry-tournament-cursor:";

    /** One board as the cache keeps it. */
    static final class Board {
        final StoredLeaderboard stored;
        final ResetSchedule schedule;
        final ConcurrentHashMap<Long, RankIndex> periods = new ConcurrentHashMap<>();

        Board(StoredLeaderboard stored) {
            this.stored = stored;
            this.schedule = stored.getResetSchedule().isEmpty() ? null : ResetSchedule.parse(stored.getResetSchedule());
        }

        String id() {
            return stored.getId();
        }

        boolean tournament() {
            return stored.getDuration() != 0;
        }

        boolean descending() {
            return stored.getSortOrder() == DESCENDING;
        }

        boolean hasMaxSize() {
            return stored.getMaxSize() != NO_MAX_SIZE;
        }

        TournamentWindow window(long now) {
            return TournamentWindow.at(stored.getStartTime(), stored.getEndTime(), stored.getDuration(), schedule, now);
        }
    }

    private final LeaderboardStore store;
    private final Clock clock;
    private final ConcurrentHashMap<String, Board> boards = new ConcurrentHashMap<>();
    /** Tournaments in Nakama's listing order; replaced whole on each create and delete. */
    private volatile List<Board> tournamentOrder = List.of();

    public LeaderboardService(LeaderboardStore store, Clock clock) {
        this.store = Objects.requireNonNull(store, "store");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Loads every board and builds the rank index of each board's current period from the store.
     *
     * @return how many records were indexed
     */
    public long start() {
        long records = 0;
        long now = now();
        for (StoredLeaderboard stored : store.boards()) {
            Board board;
            try {
                board = new Board(stored);
            } catch (IllegalArgumentException e) {
                LOG.warn("leaderboard {} has an invalid reset schedule '{}': skipped", stored.getId(),
                        stored.getResetSchedule());
                continue;
            }
            boards.put(board.id(), board);
            long expiry = currentExpiry(board, now);
            if (expiry == 0 || expiry > now) {
                records += index(board, expiry).size();
            }
        }
        reorderTournaments();
        return records;
    }

    // ---- leaderboards --------------------------------------------------------------------------

    /** Creates a leaderboard (server code); an existing id answers the existing board. */
    public Leaderboard create(LeaderboardCreate create) throws ServiceException {
        if (create.id() == null || create.id().isEmpty()) {
            throw ServiceException.invalidArgument("Leaderboard ID must be set.");
        }
        Board existing = knownBoard(create.id());
        if (existing != null) {
            return leaderboard(existing, now());
        }
        String schedule = create.resetSchedule() == null ? "" : create.resetSchedule();
        checkSchedule(schedule);
        StoredLeaderboard stored = StoredLeaderboard.newBuilder()
                .setId(create.id())
                .setAuthoritative(create.authoritative())
                .setSortOrder(sortOrder(create.sortOrder()))
                .setOperator(operator(create.operator()))
                .setResetSchedule(schedule)
                .setMetadata(metadataOrEmpty(create.metadata()))
                .setCreateTime(now())
                .build();
        Board board = boards.computeIfAbsent(create.id(), id -> new Board(store.create(stored).board()));
        if (board.tournament()) {
            reorderTournaments();
        }
        cluster.boardChanged(board.id());
        return leaderboard(board, now());
    }

    /** Deletes a leaderboard (or tournament) and its records; nothing if there is none. */
    public void delete(String id) {
        Board board = knownBoard(id);
        if (board == null) {
            return;
        }
        store.delete(id);
        boards.remove(id, board);
        if (board.tournament()) {
            reorderTournaments();
        }
        cluster.boardChanged(id);
    }

    // ---- a cluster (docs/CLUSTER.md): other nodes' boards and records ---------------------------

    /** What this node tells the other nodes of a cluster; nothing on a single node. */
    public interface ClusterEvents {
        /** A board was created or deleted here. */
        void boardChanged(String boardId);

        /** A record of a board's period was written (its score and subscore now) or deleted here. */
        void recordChanged(String boardId, long expiry, String ownerId, long score, long subscore, boolean deleted);
    }

    private volatile ClusterEvents cluster = new ClusterEvents() {
        @Override
        public void boardChanged(String boardId) {
        }

        @Override
        public void recordChanged(String boardId, long expiry, String ownerId, long score, long subscore,
                                  boolean deleted) {
        }
    };

    /** Joins a cluster: this node's board and record changes are told to the others. */
    public void clusterEvents(ClusterEvents events) {
        this.cluster = java.util.Objects.requireNonNull(events, "events");
        this.clustered = true;
    }

    private volatile boolean clustered;

    /**
     * The board of an id. In a cluster, a board this node has not heard of yet (another node
     * created it a moment ago) is read from the store before it is called unknown.
     */
    private Board knownBoard(String id) {
        Board board = boards.get(id);
        if (board == null && clustered && id != null && !id.isEmpty()) {
            remoteBoardChanged(id);
            board = boards.get(id);
        }
        return board;
    }

    /**
     * Another node created or deleted a board: this node reads it from the store. A blocking
     * thread (a store read).
     */
    public void remoteBoardChanged(String id) {
        Optional<StoredLeaderboard> stored = store.board(id);
        if (stored.isEmpty()) {
            Board gone = boards.remove(id);
            if (gone != null && gone.tournament()) {
                reorderTournaments();
            }
            return;
        }
        if (boards.containsKey(id)) {
            return;
        }
        Board board;
        try {
            board = new Board(stored.get());
        } catch (IllegalArgumentException e) {
            LOG.warn("leaderboard {} from another node has an invalid reset schedule: skipped", id);
            return;
        }
        if (boards.putIfAbsent(id, board) == null && board.tournament()) {
            reorderTournaments();
        }
    }

    /**
     * Another node wrote ({@code deleted} false: the record's score and subscore now) or deleted a
     * record: if this node keeps that period's ranks, they follow. One node's changes arrive in the
     * order it made them; two nodes writing one record at the same moment may leave this node's
     * rank of it behind the store's until its next write. Any thread (the index is thread-safe).
     */
    public void remoteRecordChanged(String boardId, long expiry, String ownerId, long score, long subscore,
                                    boolean deleted) {
        Board board = boards.get(boardId);
        RankIndex index = board == null ? null : board.periods.get(expiry);
        if (index == null) {
            return; // built from the store when first needed, this write included
        }
        UUID owner = UUID.fromString(ownerId);
        if (deleted) {
            index.remove(owner);
        } else {
            index.put(owner, score, subscore);
        }
    }

    /** The leaderboards of these ids (not tournaments), in that order. */
    public List<Leaderboard> leaderboards(List<String> ids) {
        long now = now();
        List<Leaderboard> out = new ArrayList<>();
        for (String id : ids) {
            Board board = knownBoard(id);
            if (board != null && !board.tournament()) {
                out.add(leaderboard(board, now));
            }
        }
        return out;
    }

    /** {@code POST /v2/leaderboard/{id}} and server code's writes. */
    public LeaderboardRecord writeLeaderboardRecord(String callerId, LeaderboardRecordWrite write) throws ServiceException {
        if (write.boardId() == null || write.boardId().isEmpty()) {
            throw ServiceException.invalidArgument("Invalid leaderboard ID.");
        }
        checkMetadata(write.metadata());
        String owner = ownerId(write.ownerId());
        Board board = knownBoard(write.boardId());
        if (board == null) {
            throw ServiceException.notFound("Leaderboard not found.");
        }
        if (board.stored.getAuthoritative() && callerId != null) {
            throw ServiceException.permissionDenied("Leaderboard only allows authoritative score submissions.");
        }
        long now = now();
        long expiry = board.schedule == null ? 0 : board.schedule.next(now);
        int operator = write.operator() == null ? board.stored.getOperator() : operator(write.operator());
        return upsert(board, expiry, owner, write, operator, false, "Error writing score to leaderboard.");
    }

    /** {@code DELETE /v2/leaderboard/{id}}: the owner's record in the current period. */
    public void deleteLeaderboardRecord(String callerId, String boardId, String ownerId) throws ServiceException {
        if (boardId == null || boardId.isEmpty()) {
            throw ServiceException.invalidArgument("Invalid leaderboard ID.");
        }
        String owner = ownerId(ownerId);
        Board board = knownBoard(boardId);
        if (board == null || board.tournament()) {
            throw ServiceException.notFound("Leaderboard not found.");
        }
        if (board.stored.getAuthoritative() && callerId != null) {
            throw ServiceException.permissionDenied("Leaderboard only allows authoritative score deletions.");
        }
        long expiry = board.schedule == null ? 0 : board.schedule.next(now());
        deleteRecord(board, expiry, owner);
    }

    /** {@code GET /v2/leaderboard/{id}}: a page in rank order and the given owners' records. */
    public LeaderboardRecordPage listLeaderboardRecords(LeaderboardRecordsRequest request) throws ServiceException {
        if (request.boardId() == null || request.boardId().isEmpty()) {
            throw ServiceException.invalidArgument("Invalid leaderboard ID.");
        }
        List<String> owners = request.ownerIds() == null ? List.of() : request.ownerIds();
        Integer limit = request.limit();
        if (limit != null) {
            if (limit < 1 || limit > 100) {
                throw ServiceException.invalidArgument("Invalid limit - limit must be between 1 and 100.");
            }
        } else if (owners.isEmpty() || !emptyIfNull(request.cursor()).isEmpty()) {
            limit = 1;
        }
        checkOwners(owners);
        Board board = knownBoard(request.boardId());
        if (board == null) {
            throw ServiceException.notFound("Leaderboard not found.");
        }
        return list(board, limit, emptyIfNull(request.cursor()), owners, request.expiry());
    }

    /** {@code GET /v2/leaderboard/{id}/owner/{owner}}: a page around the owner's record. */
    public LeaderboardRecordPage leaderboardRecordsAroundOwner(AroundOwnerRequest request) throws ServiceException {
        if (request.boardId() == null || request.boardId().isEmpty()) {
            throw ServiceException.invalidArgument("Invalid leaderboard ID.");
        }
        int limit = aroundLimit(request.limit(), 1);
        UUID owner = aroundOwner(request.ownerId());
        Board board = knownBoard(request.boardId());
        if (board == null) {
            throw ServiceException.notFound("Leaderboard not found.");
        }
        long now = now();
        long expiry = request.expiry();
        if (expiry == 0) {
            expiry = currentExpiry(board, now);
            if (board.tournament() && expiry != 0 && expiry <= now) {
                return new LeaderboardRecordPage(List.of(), List.of(), null, null, 0);
            }
        }
        return around(board, expiry, owner, limit, emptyIfNull(request.cursor()));
    }

    // ---- tournaments -----------------------------------------------------------------------------

    /** Creates a tournament (server code); an existing tournament id answers it, a leaderboard's is refused. */
    public Tournament createTournament(TournamentCreate create) throws ServiceException {
        if (create.id() == null || create.id().isEmpty()) {
            throw ServiceException.invalidArgument("Tournament ID must be set.");
        }
        String schedule = create.resetSchedule() == null ? "" : create.resetSchedule();
        if (create.startTime() < 0) {
            throw ServiceException.invalidArgument("tournament start time must be a unix UTC time in the future");
        }
        if (create.duration() <= 0) {
            throw ServiceException.invalidArgument("tournament duration must be greater than zero");
        }
        if (create.maxSize() < 0) {
            throw ServiceException.invalidArgument("tournament max must be greater than zero");
        }
        if (create.maxNumScore() < 0) {
            throw ServiceException.invalidArgument("tournament m num score must be greater than zero");
        }
        if (create.endTime() > 0 && create.endTime() < create.startTime()) {
            throw ServiceException.invalidArgument("tournament end time cannot be before start time");
        }
        if (!schedule.isEmpty()) {
            ResetSchedule parsed;
            try {
                parsed = ResetSchedule.parse(schedule);
            } catch (IllegalArgumentException e) {
                throw ServiceException.invalidArgument("could not parse reset schedule: " + e.getMessage());
            }
            if (create.endTime() > 0 && create.endTime() <= parsed.next(create.startTime())) {
                throw ServiceException.invalidArgument("tournament end time cannot be before first reset schedule"
                        + " - either increase end time or change/disable reset schedule");
            }
        }
        Board existing = knownBoard(create.id());
        if (existing != null) {
            if (existing.tournament()) {
                return tournament(existing, now(), sizeOf(existing));
            }
            throw ServiceException.invalidArgument("cannot create tournament as leaderboard is already in use");
        }
        long now = now();
        StoredLeaderboard stored = StoredLeaderboard.newBuilder()
                .setId(create.id())
                .setAuthoritative(create.authoritative())
                .setSortOrder(sortOrder(create.sortOrder()))
                .setOperator(operator(create.operator()))
                .setResetSchedule(schedule)
                .setMetadata(metadataOrEmpty(create.metadata()))
                .setCreateTime(now)
                .setCategory(Math.max(0, create.category()))
                .setTitle(emptyIfNull(create.title()))
                .setDescription(emptyIfNull(create.description()))
                .setDuration(create.duration())
                .setStartTime(create.startTime() > 0 ? create.startTime() : now)
                .setEndTime(Math.max(0, create.endTime()))
                .setMaxSize(create.maxSize() == 0 ? NO_MAX_SIZE : create.maxSize())
                .setMaxNumScore(create.maxNumScore() == 0 ? DEFAULT_MAX_NUM_SCORE : create.maxNumScore())
                .setJoinRequired(create.joinRequired())
                .build();
        Board board = boards.computeIfAbsent(create.id(), id -> new Board(store.create(stored).board()));
        reorderTournaments();
        cluster.boardChanged(board.id());
        return tournament(board, now(), sizeOf(board));
    }

    /** Deletes a tournament and its records; nothing if there is none (a leaderboard's id included). */
    public void deleteTournament(String id) {
        Board board = knownBoard(id);
        if (board != null && board.tournament()) {
            delete(id);
        }
    }

    /** The tournaments of these ids, in that order, each once. */
    public List<Tournament> tournaments(List<String> ids) {
        long now = now();
        Set<String> seen = new HashSet<>();
        List<Tournament> out = new ArrayList<>();
        for (String id : ids) {
            Board board = knownBoard(id);
            if (seen.add(id) && board != null && board.tournament()) {
                out.add(tournament(board, now, sizeOf(board)));
            }
        }
        return out;
    }

    /** {@code GET /v2/tournament}. */
    public TournamentPage listTournaments(TournamentListRequest request) throws ServiceException {
        String afterId = null;
        if (request.cursor() != null && !request.cursor().isEmpty()) {
            String decoded = null;
            try {
                decoded = new String(Base64.getDecoder().decode(request.cursor()), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                // not base64: refused below
            }
            if (decoded == null || !decoded.startsWith(TOURNAMENT_CURSOR)) {
                // Nakama answers its cursor decoding error as is: gRPC Unknown
                throw new ServiceException(ServiceException.Kind.UNKNOWN, "leaderboard cursor invalid");
            }
            afterId = decoded.substring(TOURNAMENT_CURSOR.length());
        }
        int categoryStart = request.categoryStart() == null ? 0 : request.categoryStart();
        int categoryEnd = 127;
        if (request.categoryEnd() != null) {
            categoryEnd = request.categoryEnd();
            if (categoryEnd >= 128) {
                throw ServiceException.invalidArgument("Tournament category end must be >=0 and <128.");
            }
            if (categoryEnd < categoryStart) {
                throw ServiceException.invalidArgument("Tournament category end must be greater than category start.");
            }
        }
        long startTime = request.startTime() == null ? -1 : request.startTime();
        long endTime = -1;
        if (request.endTime() != null) {
            endTime = request.endTime();
            if (endTime != 0 && endTime < startTime) {
                throw ServiceException.invalidArgument("Tournament end time must be greater than start time.");
            }
        }
        int limit = 100;
        if (request.limit() != null) {
            limit = request.limit();
            if (limit < 1 || limit > 100) {
                throw ServiceException.invalidArgument("Limit must be between 1 and 100.");
            }
        }
        long now = now();
        List<Board> page = new ArrayList<>();
        String nextCursor = null;
        boolean skip = afterId != null;
        for (Board board : tournamentOrder) {
            if (skip) {
                if (board.id().equals(afterId)) {
                    skip = false;
                }
                continue;
            }
            StoredLeaderboard t = board.stored;
            if (t.getCategory() < categoryStart || t.getCategory() > categoryEnd || t.getStartTime() < startTime) {
                continue;
            }
            if ((endTime == 0 && t.getEndTime() != 0)
                    || (endTime == -1 && t.getEndTime() != 0 && t.getEndTime() < now)
                    || (endTime > 0 && (t.getEndTime() == 0 || t.getEndTime() > endTime))) {
                continue;
            }
            if (page.size() >= limit) {
                nextCursor = Base64.getEncoder().encodeToString(
                        (TOURNAMENT_CURSOR + page.get(page.size() - 1).id()).getBytes(StandardCharsets.UTF_8));
                break;
            }
            page.add(board);
        }
        List<Tournament> out = new ArrayList<>(page.size());
        for (Board board : page) {
            Tournament t = tournament(board, now, board.hasMaxSize() ? sizeOf(board) : 0);
            out.add(t);
        }
        return new TournamentPage(out, nextCursor);
    }

    /** {@code POST /v2/tournament/{id}/join}. */
    public void joinTournament(String tournamentId, String ownerId, String username) throws ServiceException {
        String owner = ownerId(ownerId);
        Board board = tournamentId == null ? null : knownBoard(tournamentId);
        if (board == null || !board.tournament()) {
            throw ServiceException.notFound("Tournament not found.");
        }
        if (!board.stored.getJoinRequired()) {
            return;
        }
        long now = now();
        TournamentWindow w = board.window(now);
        if (w.endActive() <= now) {
            throw ServiceException.invalidArgument("Tournament is not active and cannot accept new joins.");
        }
        long micros = nowMicros();
        change(board, w.expiry(), owner, v -> {
            if (v.record() != null) {
                return null;
            }
            if (board.hasMaxSize() && !v.growSize(v.board().getMaxSize())) {
                throw ServiceException.invalidArgument("Tournament cannot be joined as it has reached its max size.");
            }
            StoredLeaderboardRecord.Builder r = StoredLeaderboardRecord.newBuilder()
                    .setLeaderboardId(board.id()).setOwnerId(owner).setScore(0).setSubscore(0).setNumScore(0)
                    .setMaxNumScore(board.stored.getMaxNumScore()).setMetadata("{}")
                    .setCreateTimeUs(micros).setUpdateTimeUs(micros).setExpiryTime(w.expiry());
            if (username != null && !username.isEmpty()) {
                r.setUsername(username);
            }
            v.put(r.build());
            return null;
        }, null);
    }

    /** Server code: {@code count} more writes for the owner in the current period. */
    public void addAttempt(String tournamentId, String ownerId, int count) throws ServiceException {
        String owner = ownerId(ownerId);
        if (count == 0) {
            return;
        }
        Board board = tournamentId == null ? null : knownBoard(tournamentId);
        if (board == null || !board.tournament()) {
            throw ServiceException.notFound("Tournament not found.");
        }
        long now = now();
        TournamentWindow w = board.window(now);
        if (w.endActive() <= now) {
            throw ServiceException.invalidArgument("Tournament is not active and cannot accept new joins.");
        }
        change(board, w.expiry(), owner, v -> {
            if (v.record() != null) {
                v.put(v.record().toBuilder().setMaxNumScore(v.record().getMaxNumScore() + count).build());
            }
            return null;
        }, null);
    }

    /** {@code PUT /v2/tournament/{id}} and server code's writes. */
    public LeaderboardRecord writeTournamentRecord(String callerId, LeaderboardRecordWrite write) throws ServiceException {
        if (write.boardId() == null || write.boardId().isEmpty()) {
            throw ServiceException.invalidArgument("Tournament ID must be provided.");
        }
        checkMetadata(write.metadata());
        String owner = ownerId(write.ownerId());
        Board board = knownBoard(write.boardId());
        long now = now();
        if (board == null) {
            throw ServiceException.notFound("Tournament not found.");
        }
        if (board.stored.getEndTime() > 0 && board.stored.getEndTime() <= now) {
            throw ServiceException.notFound("Tournament not found or has ended.");
        }
        if (!board.tournament()) {
            // Nakama's API maps its core's "tournament not found" here to its default answer
            throw new ServiceException(ServiceException.Kind.INTERNAL, "Error writing score to tournament.");
        }
        if (board.stored.getAuthoritative() && callerId != null) {
            throw ServiceException.permissionDenied("Tournament only allows authoritative score submissions.");
        }
        TournamentWindow w = board.window(now);
        if (w.startActive() > now || w.endActive() <= now) {
            throw new ServiceException(ServiceException.Kind.FAILED_PRECONDITION,
                    "Tournament is not active and cannot accept new scores.");
        }
        int operator = write.operator() == null ? board.stored.getOperator() : operator(write.operator());
        return upsert(board, w.expiry(), owner, write, operator, true, "Error writing score to tournament.");
    }

    /** {@code DELETE /v2/tournament/{id}}: the owner's record in the current period. */
    public void deleteTournamentRecord(String callerId, String tournamentId, String ownerId) throws ServiceException {
        if (tournamentId == null || tournamentId.isEmpty()) {
            throw ServiceException.invalidArgument("Invalid tournament ID.");
        }
        String owner = ownerId(ownerId);
        Board board = knownBoard(tournamentId);
        // Nakama's API compares its core's tournament errors with the leaderboard ones, so an unknown
        // tournament, an authoritative one and a missing record all get its default answer
        ServiceException failed = new ServiceException(ServiceException.Kind.INTERNAL, "Error deleting score from tournament.");
        if (board == null || !board.tournament()) {
            throw failed;
        }
        if (board.stored.getAuthoritative() && callerId != null) {
            throw failed;
        }
        long expiry = board.window(now()).expiry();
        if (!deleteRecord(board, expiry, owner)) {
            throw failed; // Nakama's DELETE ... RETURNING finds no row
        }
    }

    /** {@code GET /v2/tournament/{id}}. */
    public LeaderboardRecordPage listTournamentRecords(LeaderboardRecordsRequest request) throws ServiceException {
        if (request.boardId() == null || request.boardId().isEmpty()) {
            throw ServiceException.invalidArgument("Tournament ID must be provided");
        }
        List<String> owners = request.ownerIds() == null ? List.of() : request.ownerIds();
        checkOwners(owners);
        Integer limit = request.limit();
        if (limit != null) {
            if (limit < 1 || limit > 100) {
                throw ServiceException.invalidArgument("Invalid limit - limit must be between 1 and 100.");
            }
        } else if (owners.isEmpty() || emptyIfNull(request.cursor()).isEmpty()) {
            limit = 10;
        }
        Board board = knownBoard(request.boardId());
        if (board == null || !board.tournament()) {
            throw ServiceException.notFound("Tournament not found.");
        }
        long now = now();
        if (request.expiry() == 0 && board.stored.getEndTime() > 0 && board.stored.getEndTime() <= now) {
            throw ServiceException.notFound("Tournament has ended.");
        }
        return list(board, limit, emptyIfNull(request.cursor()), owners, request.expiry());
    }

    /** {@code GET /v2/tournament/{id}/owner/{owner}}. */
    public LeaderboardRecordPage tournamentRecordsAroundOwner(AroundOwnerRequest request) throws ServiceException {
        if (request.boardId() == null || request.boardId().isEmpty()) {
            throw ServiceException.invalidArgument("Invalid tournament ID.");
        }
        int limit = aroundLimit(request.limit(), 100);
        UUID owner = aroundOwner(request.ownerId());
        Board board = knownBoard(request.boardId());
        if (board == null || !board.tournament()) {
            throw ServiceException.notFound("Tournament not found.");
        }
        long expiry = request.expiry();
        if (expiry == 0) {
            long now = now();
            expiry = board.window(now).expiry();
            if (expiry != 0 && expiry <= now) {
                return new LeaderboardRecordPage(List.of(), List.of(), null, null, 0);
            }
        }
        LeaderboardRecordPage page = around(board, expiry, owner, limit, emptyIfNull(request.cursor()));
        // Nakama 3.18 answers the next cursor in both fields of a tournament's around-owner page
        return new LeaderboardRecordPage(page.records(), List.of(), page.nextCursor(), page.nextCursor(),
                page.rankCount());
    }

    /**
     * After an account deletion: the owner's records went with the account, in its batch
     * ({@code Store.deleteUser}); this takes the owner out of every rank index in memory.
     */
    public void forgetOwner(String ownerId) {
        UUID owner = UUID.fromString(ownerId);
        for (Board board : boards.values()) {
            for (RankIndex index : board.periods.values()) {
                index.remove(owner);
            }
        }
    }

    // ---- records: writes -----------------------------------------------------------------------

    private LeaderboardRecord upsert(Board board, long expiry, String owner, LeaderboardRecordWrite write, int operator,
                                     boolean tournament, String failure) throws ServiceException {
        long score = write.score();
        long subscore = write.subscore();
        String metadata = write.metadata() == null || write.metadata().isEmpty() ? null : write.metadata();
        String username = write.username() == null || write.username().isEmpty() ? null : write.username();
        if (operator != OP_DECREMENT && (score < 0 || subscore < 0)) {
            // Nakama's insert row carries the write's values, which its columns refuse when negative,
            // even when the record exists and the result would not be
            throw new ServiceException(ServiceException.Kind.INTERNAL, failure);
        }
        long micros = nowMicros();
        long[] rank = new long[1];
        StoredLeaderboardRecord stored = change(board, expiry, owner, v -> {
            StoredLeaderboardRecord old = v.record();
            if (old == null) {
                if (tournament && board.stored.getJoinRequired()) {
                    throw new ServiceException(ServiceException.Kind.FAILED_PRECONDITION,
                            "Must join tournament before attempting to write value.");
                }
                long first = operator == OP_DECREMENT ? 0 : score;
                long firstSub = operator == OP_DECREMENT ? 0 : subscore;
                if (first < 0 || firstSub < 0) {
                    throw new ServiceException(ServiceException.Kind.INTERNAL, failure);
                }
                if (tournament && board.hasMaxSize() && !v.growSize(v.board().getMaxSize())) {
                    throw new ServiceException(ServiceException.Kind.FAILED_PRECONDITION,
                            "Tournament has reached max size.");
                }
                StoredLeaderboardRecord.Builder r = StoredLeaderboardRecord.newBuilder()
                        .setLeaderboardId(board.id()).setOwnerId(owner).setScore(first).setSubscore(firstSub)
                        .setNumScore(1)
                        .setMaxNumScore(tournament ? board.stored.getMaxNumScore() : DEFAULT_MAX_NUM_SCORE)
                        .setMetadata(metadata == null ? "{}" : metadata)
                        .setCreateTimeUs(micros).setUpdateTimeUs(micros).setExpiryTime(expiry);
                if (username != null) {
                    r.setUsername(username);
                }
                StoredLeaderboardRecord created = r.build();
                v.put(created);
                return created;
            }
            if (tournament && board.stored.getJoinRequired() && old.getMaxNumScore() > 0
                    && old.getNumScore() >= old.getMaxNumScore()) {
                return old; // Nakama's UPDATE ... AND num_score < max_num_score matches nothing: no error
            }
            long newScore;
            long newSubscore;
            boolean changes;
            switch (operator) {
                case OP_INCREMENT -> {
                    newScore = old.getScore() + score;
                    newSubscore = old.getSubscore() + subscore;
                    changes = score != 0 || subscore != 0;
                }
                case OP_DECREMENT -> {
                    newScore = Math.max(old.getScore() - score, 0);
                    newSubscore = Math.max(old.getSubscore() - subscore, 0);
                    changes = score != 0 || subscore != 0;
                }
                case OP_SET -> {
                    newScore = score;
                    newSubscore = subscore;
                    changes = old.getScore() != score || old.getSubscore() != subscore;
                }
                default -> {
                    if (board.descending()) {
                        newScore = Math.max(old.getScore(), score);
                        newSubscore = Math.max(old.getSubscore(), subscore);
                        changes = old.getScore() < score || old.getSubscore() < subscore;
                    } else {
                        newScore = Math.min(old.getScore(), score);
                        newSubscore = Math.min(old.getSubscore(), subscore);
                        changes = old.getScore() > score || old.getSubscore() > subscore;
                    }
                }
            }
            if (!changes) {
                return old;
            }
            if (newScore < 0 || newSubscore < 0) {
                throw new ServiceException(ServiceException.Kind.INTERNAL, failure);
            }
            int numScore = old.getNumScore() + 1;
            if (tournament && !board.stored.getJoinRequired()) {
                if (old.getMaxNumScore() > 0 && numScore > old.getMaxNumScore()) {
                    throw new ServiceException(ServiceException.Kind.FAILED_PRECONDITION,
                            "Reached allowed max number of score attempts.");
                }
                if (board.hasMaxSize() && numScore <= 1 && !v.growSize(v.board().getMaxSize())) {
                    throw new ServiceException(ServiceException.Kind.FAILED_PRECONDITION,
                            "Tournament has reached max size.");
                }
            }
            StoredLeaderboardRecord.Builder r = old.toBuilder().setScore(newScore).setSubscore(newSubscore)
                    .setNumScore(numScore).setUpdateTimeUs(Math.max(micros, old.getCreateTimeUs()));
            if (metadata != null) {
                r.setMetadata(metadata);
            }
            if (username != null) {
                r.setUsername(username);
            }
            StoredLeaderboardRecord updated = r.build();
            v.put(updated);
            return updated;
        }, rank);
        if (rank[0] == 0) {
            rank[0] = index(board, expiry).rank(UUID.fromString(owner));
        }
        return record(stored, rank[0]);
    }

    private boolean deleteRecord(Board board, long expiry, String owner) throws ServiceException {
        return change(board, expiry, owner, v -> {
            if (v.record() == null) {
                return false;
            }
            v.delete();
            return true;
        }, null);
    }

    /** A store change of one record that keeps the period's index in step (and reports the rank). */
    private <T> T change(Board board, long expiry, String owner, Decision<T> decision, long[] rank)
            throws ServiceException {
        UUID ownerUuid = UUID.fromString(owner);
        // the period's index exists before the change: building it reads the store, which written()
        // must not do (on PostgreSQL it runs inside the change's transaction, holding a pooled
        // connection, and a rebuild there would wait for another)
        index(board, expiry);
        try {
            return store.change(board.id(), expiry, owner, new LeaderboardStore.RecordChange<T, ServiceException>() {
                @Override
                public T decide(LeaderboardStore.RecordView view) throws ServiceException {
                    return decision.decide(view);
                }

                @Override
                public void written(StoredLeaderboardRecord stored) {
                    RankIndex index = index(board, expiry);
                    if (stored == null) {
                        index.remove(ownerUuid);
                    } else {
                        long r = index.put(ownerUuid, stored.getScore(), stored.getSubscore());
                        if (rank != null) {
                            rank[0] = r;
                        }
                    }
                    cluster.recordChanged(board.id(), expiry, owner, stored == null ? 0 : stored.getScore(),
                            stored == null ? 0 : stored.getSubscore(), stored == null);
                }
            });
        } catch (NoSuchElementException e) {
            // deleted while we were deciding
            throw ServiceException.notFound(board.tournament() ? "Tournament not found." : "Leaderboard not found.");
        }
    }

    @FunctionalInterface
    private interface Decision<T> {
        T decide(LeaderboardStore.RecordView view) throws ServiceException;
    }

    // ---- records: pages ------------------------------------------------------------------------

    private LeaderboardRecordPage list(Board board, Integer limit, String cursorText, List<String> owners,
                                       long overrideExpiry) throws ServiceException {
        long now = now();
        long expiry = overrideExpiry;
        if (expiry == 0) {
            expiry = currentExpiry(board, now);
            if (board.tournament() && expiry != 0 && expiry <= now) {
                return new LeaderboardRecordPage(List.of(), List.of(), null, null, 0);
            }
        }
        if (expiry < 0) {
            // a period before 1970: no record has it (Nakama finds none)
            return new LeaderboardRecordPage(List.of(), List.of(), null, null, 0);
        }
        RankIndex index = index(board, expiry);
        List<LeaderboardRecord> records = List.of();
        String next = null;
        String prev = null;
        if (limit != null) {
            RecordCursor cursor = null;
            if (!cursorText.isEmpty()) {
                cursor = RecordCursor.decode(cursorText, board.id(), expiry);
                if (cursor == null) {
                    throw ServiceException.invalidArgument("Cursor is invalid or expired.");
                }
            }
            long from;
            int count;
            boolean more;
            if (cursor == null || cursor.next()) {
                from = cursor == null ? 1 : afterKey(index, cursor) ;
                List<RankIndex.Entry> entries = index.range(from, limit + 1);
                more = entries.size() > limit;
                count = Math.min(limit, entries.size());
                records = fetch(board, expiry, entries.subList(0, count));
                if (more && !records.isEmpty()) {
                    next = cursorOf(true, board, expiry, records.get(records.size() - 1));
                }
                if (cursor != null && !records.isEmpty()) {
                    prev = cursorOf(false, board, expiry, records.get(0));
                }
            } else {
                long before = index.countBefore(cursor.score(), cursor.subscore(), cursor.owner());
                from = Math.max(1, before - limit + 1);
                count = (int) Math.max(0, before - from + 1);
                more = before > limit;
                records = fetch(board, expiry, index.range(from, count));
                if (!records.isEmpty()) {
                    next = cursorOf(true, board, expiry, records.get(records.size() - 1));
                    if (more) {
                        prev = cursorOf(false, board, expiry, records.get(0));
                    }
                }
            }
        }
        List<LeaderboardRecord> ownerRecords = List.of();
        if (!owners.isEmpty()) {
            List<StoredLeaderboardRecord> found = store.records(board.id(), expiry, distinct(owners));
            List<LeaderboardRecord> list = new ArrayList<>(found.size());
            for (StoredLeaderboardRecord r : found) {
                list.add(record(r, index.rank(UUID.fromString(r.getOwnerId()))));
            }
            list.sort(recordOrder(board.descending()));
            ownerRecords = list;
        }
        return new LeaderboardRecordPage(records, ownerRecords, next, prev, index.size());
    }

    private LeaderboardRecordPage around(Board board, long expiry, UUID owner, int limit, String cursor)
            throws ServiceException {
        if (!cursor.isEmpty()) {
            LeaderboardRecordPage page;
            try {
                page = list(board, limit, cursor, List.of(), expiry);
            } catch (ServiceException e) {
                // Nakama's around-owner call answers any failure of its list, a bad cursor too, so
                throw new ServiceException(ServiceException.Kind.INTERNAL, "Error querying records from leaderboard.");
            }
            return new LeaderboardRecordPage(page.records(), List.of(), page.nextCursor(), page.prevCursor(),
                    page.rankCount());
        }
        if (expiry < 0) {
            return new LeaderboardRecordPage(List.of(), List.of(), null, null, 0);
        }
        RankIndex index = index(board, expiry);
        long position = index.rank(owner);
        if (position == 0) {
            return new LeaderboardRecordPage(List.of(), List.of(), null, null, 0);
        }
        long size = index.size();
        // Nakama's two queries: up to limit+1 records before the owner's, up to secondLimit+1 after
        long firstFound = Math.min(limit + 1L, position - 1);
        boolean setPrev = firstFound > limit;
        long first = Math.min(firstFound, limit);
        long secondLimit = limit / 2;
        if (first < secondLimit) {
            secondLimit = limit - first;
        }
        long secondFound = Math.min(secondLimit + 1, size - position);
        boolean setNext = secondFound > secondLimit;
        long second = Math.min(secondFound, secondLimit);
        long total = first + 1 + second;
        long start = total - limit;
        if (start < 0 || first < secondLimit) {
            start = 0;
        }
        long end = Math.min(start + limit, total);
        if (start > 0) {
            setPrev = true;
        }
        long fromRank = position - first + start;
        List<LeaderboardRecord> records = fetch(board, expiry, index.range(fromRank, (int) (end - start)));
        String prev = setPrev && !records.isEmpty() ? cursorOf(false, board, expiry, records.get(0)) : null;
        String next = setNext && !records.isEmpty() ? cursorOf(true, board, expiry, records.get(records.size() - 1)) : null;
        return new LeaderboardRecordPage(records, List.of(), next, prev, index.size());
    }

    /** The first rank strictly after the cursor's key. */
    private static long afterKey(RankIndex index, RecordCursor cursor) {
        long before = index.countBefore(cursor.score(), cursor.subscore(), cursor.owner());
        RankIndex.Entry at = index.entry(cursor.owner());
        boolean present = at != null && at.score() == cursor.score() && at.subscore() == cursor.subscore();
        return before + 1 + (present ? 1 : 0);
    }

    private List<LeaderboardRecord> fetch(Board board, long expiry, List<RankIndex.Entry> entries) {
        if (entries.isEmpty()) {
            return List.of();
        }
        List<String> ids = new ArrayList<>(entries.size());
        for (RankIndex.Entry e : entries) {
            ids.add(e.owner().toString());
        }
        List<StoredLeaderboardRecord> found = store.records(board.id(), expiry, ids);
        Map<String, StoredLeaderboardRecord> byOwner = new java.util.HashMap<>(found.size() * 2);
        for (StoredLeaderboardRecord r : found) {
            byOwner.put(r.getOwnerId(), r);
        }
        List<LeaderboardRecord> out = new ArrayList<>(entries.size());
        for (RankIndex.Entry e : entries) {
            StoredLeaderboardRecord r = byOwner.get(e.owner().toString());
            if (r != null) {
                out.add(record(r, e.rank()));
            }
        }
        return out;
    }

    private static String cursorOf(boolean next, Board board, long expiry, LeaderboardRecord r) {
        return new RecordCursor(next, board.id(), expiry, r.score(), r.subscore(), UUID.fromString(r.ownerId()),
                r.rank()).encode();
    }

    private static Comparator<LeaderboardRecord> recordOrder(boolean descending) {
        Comparator<LeaderboardRecord> ascending = Comparator.comparingLong(LeaderboardRecord::score)
                .thenComparingLong(LeaderboardRecord::subscore)
                .thenComparing(LeaderboardRecord::ownerId);
        return descending ? ascending.reversed() : ascending;
    }

    // ---- the ranks -----------------------------------------------------------------------------

    /** The index of a board's period, built from the store on first use. */
    RankIndex index(Board board, long expiry) {
        RankIndex index = board.periods.get(expiry);
        if (index != null) {
            return index;
        }
        index = board.periods.computeIfAbsent(expiry, e -> {
            RankIndex.Builder builder = RankIndex.builder(board.descending());
            store.forEachRecord(board.id(), e, (owner, score, subscore) ->
                    builder.add(UUID.fromString(owner), score, subscore));
            return builder.build();
        });
        trimPeriods(board);
        return index;
    }

    private void trimPeriods(Board board) {
        if (board.periods.size() <= KEPT_PERIODS + 1) {
            return;
        }
        long current = currentExpiry(board, now());
        board.periods.keySet().stream()
                .filter(e -> e != current)
                .sorted()
                .limit(Math.max(0, board.periods.size() - (KEPT_PERIODS + 1)))
                .forEach(board.periods::remove);
    }

    private long currentExpiry(Board board, long now) {
        if (board.tournament()) {
            return board.window(now).expiry();
        }
        return board.schedule == null ? 0 : board.schedule.next(now);
    }

    // ---- conversions and checks ----------------------------------------------------------------

    private Leaderboard leaderboard(Board board, long now) {
        StoredLeaderboard s = board.stored;
        long prev = 0;
        long next = 0;
        if (board.schedule != null) {
            prev = s.getCreateTime() > now ? 0 : board.schedule.last(now);
            next = board.schedule.next(now);
        }
        return new Leaderboard(s.getId(), s.getAuthoritative(), sortOrder(s.getSortOrder()), operator(s.getOperator()),
                s.getResetSchedule(), s.getMetadata(), Instant.ofEpochSecond(s.getCreateTime()), prev, next);
    }

    private Tournament tournament(Board board, long now, int size) {
        StoredLeaderboard s = board.stored;
        TournamentWindow w = board.window(now);
        boolean canEnter = !(w.startActive() > now || w.endActive() < now);
        if (canEnter && size >= s.getMaxSize()) {
            canEnter = false;
        }
        long prev = board.schedule == null || s.getStartTime() > now ? 0 : board.schedule.last(now);
        return new Tournament(s.getId(), s.getTitle(), s.getDescription(), s.getCategory(), sortOrder(s.getSortOrder()),
                operator(s.getOperator()), size, s.getMaxSize(), s.getMaxNumScore(), canEnter, w.startActive(),
                w.endActive(), w.expiry(), prev, s.getMetadata(), Instant.ofEpochSecond(s.getCreateTime()),
                Instant.ofEpochSecond(s.getStartTime()), s.getEndTime() > 0 ? Instant.ofEpochSecond(s.getEndTime()) : null,
                s.getDuration(), s.getAuthoritative(), s.getJoinRequired(), s.getResetSchedule());
    }

    private int sizeOf(Board board) {
        return store.board(board.id()).map(StoredLeaderboard::getSize).orElse(0);
    }

    static LeaderboardRecord record(StoredLeaderboardRecord r, long rank) {
        return new LeaderboardRecord(r.getLeaderboardId(), r.getOwnerId(), r.hasUsername() ? r.getUsername() : null,
                r.getScore(), r.getSubscore(), r.getNumScore(), r.getMaxNumScore(), r.getMetadata(),
                Instant.ofEpochSecond(r.getCreateTimeUs() / 1_000_000L),
                Instant.ofEpochSecond(r.getUpdateTimeUs() / 1_000_000L),
                r.getExpiryTime() == 0 ? null : Instant.ofEpochSecond(r.getExpiryTime()), rank);
    }

    private void reorderTournaments() {
        List<Board> list = new ArrayList<>();
        for (Board b : boards.values()) {
            if (b.tournament()) {
                list.add(b);
            }
        }
        list.sort(Comparator.<Board>comparingLong(b -> b.stored.getStartTime())
                .thenComparing(Comparator.<Board>comparingLong(b -> b.stored.getEndTime()).reversed())
                .thenComparingInt(b -> b.stored.getCategory())
                .thenComparing(Board::id));
        tournamentOrder = List.copyOf(list);
    }

    private static void checkSchedule(String schedule) throws ServiceException {
        if (!schedule.isEmpty()) {
            try {
                ResetSchedule.parse(schedule);
            } catch (IllegalArgumentException e) {
                throw ServiceException.invalidArgument("Invalid reset schedule: " + e.getMessage());
            }
        }
    }

    private static void checkMetadata(String metadata) throws ServiceException {
        if (metadata != null && !metadata.isEmpty() && !JsonText.isStrictObject(metadata)) {
            throw ServiceException.invalidArgument("Metadata value must be JSON, if provided.");
        }
    }

    private static String metadataOrEmpty(String metadata) throws ServiceException {
        if (metadata == null || metadata.isEmpty()) {
            return "{}";
        }
        if (!JsonText.isStrictObject(metadata)) {
            throw ServiceException.invalidArgument("Metadata must be a JSON object.");
        }
        return metadata;
    }

    private static void checkOwners(List<String> owners) throws ServiceException {
        for (String owner : owners) {
            if (owner == null || !UUID_TEXT.matcher(owner).matches()) {
                throw ServiceException.invalidArgument("One or more owner IDs are invalid.");
            }
        }
    }

    private static int aroundLimit(Integer limit, int fallback) throws ServiceException {
        if (limit == null) {
            return fallback;
        }
        if (limit < 1 || limit > 100) {
            throw ServiceException.invalidArgument("Invalid limit - limit must be between 1 and 100.");
        }
        return limit;
    }

    private static UUID aroundOwner(String ownerId) throws ServiceException {
        if (ownerId == null || ownerId.isEmpty()) {
            throw ServiceException.invalidArgument("Owner ID must be provided for a haystack query.");
        }
        if (!UUID_TEXT.matcher(ownerId).matches()) {
            throw ServiceException.invalidArgument("Invalid owner ID provided.");
        }
        return UUID.fromString(canonical(ownerId));
    }

    /** A canonical owner id; server code's ids are checked as a client's would be. */
    private static String ownerId(String ownerId) throws ServiceException {
        if (ownerId == null || !UUID_TEXT.matcher(ownerId).matches()) {
            throw ServiceException.invalidArgument("Invalid owner ID.");
        }
        return canonical(ownerId);
    }

    private static String canonical(String id) {
        String hex = id.replace("-", "").toLowerCase(java.util.Locale.ROOT);
        return hex.substring(0, 8) + "-" + hex.substring(8, 12) + "-" + hex.substring(12, 16) + "-"
                + hex.substring(16, 20) + "-" + hex.substring(20);
    }

    private static List<String> distinct(List<String> owners) {
        List<String> out = new ArrayList<>(owners.size());
        Set<String> seen = new HashSet<>();
        for (String o : owners) {
            String c = canonical(o);
            if (seen.add(c)) {
                out.add(c);
            }
        }
        return out;
    }

    static int sortOrder(SortOrder order) {
        return order == SortOrder.ASCENDING ? ASCENDING : DESCENDING;
    }

    static SortOrder sortOrder(int order) {
        return order == ASCENDING ? SortOrder.ASCENDING : SortOrder.DESCENDING;
    }

    static int operator(Operator operator) {
        if (operator == null) {
            return OP_BEST;
        }
        return switch (operator) {
            case BEST -> OP_BEST;
            case SET -> OP_SET;
            case INCREMENT -> OP_INCREMENT;
            case DECREMENT -> OP_DECREMENT;
        };
    }

    static Operator operator(int operator) {
        return switch (operator) {
            case OP_SET -> Operator.SET;
            case OP_INCREMENT -> Operator.INCREMENT;
            case OP_DECREMENT -> Operator.DECREMENT;
            default -> Operator.BEST;
        };
    }

    private static String emptyIfNull(String s) {
        return s == null ? "" : s;
    }

    private long now() {
        return clock.instant().getEpochSecond();
    }

    private long nowMicros() {
        Instant now = clock.instant();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
    }
}
