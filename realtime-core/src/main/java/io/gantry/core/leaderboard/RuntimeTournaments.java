package io.gantry.core.leaderboard;

import io.gantry.runtime.AroundOwnerRequest;
import io.gantry.runtime.LeaderboardRecord;
import io.gantry.runtime.LeaderboardRecordPage;
import io.gantry.runtime.LeaderboardRecordWrite;
import io.gantry.runtime.LeaderboardRecordsRequest;
import io.gantry.runtime.RefusedException;
import io.gantry.runtime.Tournament;
import io.gantry.runtime.TournamentCreate;
import io.gantry.runtime.TournamentListRequest;
import io.gantry.runtime.TournamentPage;
import io.gantry.runtime.Tournaments;

import java.util.List;
import java.util.Objects;

import static io.gantry.core.leaderboard.RuntimeLeaderboards.refusing;

/**
 * Server code's {@link Tournaments}: the {@link LeaderboardService} with no caller; a refusal is a
 * {@link RefusedException} with the code and message a client would get. Threads: any thread that
 * may block.
 */
public final class RuntimeTournaments implements Tournaments {

    private final LeaderboardService service;

    public RuntimeTournaments(LeaderboardService service) {
        this.service = Objects.requireNonNull(service, "service");
    }

    @Override
    public Tournament create(TournamentCreate create) {
        return refusing(() -> service.createTournament(create));
    }

    @Override
    public void delete(String id) {
        service.deleteTournament(id);
    }

    @Override
    public List<Tournament> get(List<String> ids) {
        return service.tournaments(ids);
    }

    @Override
    public TournamentPage list(TournamentListRequest request) {
        return refusing(() -> service.listTournaments(request));
    }

    @Override
    public void join(String id, String ownerId, String username) {
        refusing(() -> {
            service.joinTournament(id, ownerId, username);
            return null;
        });
    }

    @Override
    public void addAttempt(String id, String ownerId, int count) {
        refusing(() -> {
            service.addAttempt(id, ownerId, count);
            return null;
        });
    }

    @Override
    public LeaderboardRecord writeRecord(LeaderboardRecordWrite write) {
        return refusing(() -> service.writeTournamentRecord(null, write));
    }

    @Override
    public void deleteRecord(String id, String ownerId) {
        refusing(() -> {
            service.deleteTournamentRecord(null, id, ownerId);
            return null;
        });
    }

    @Override
    public LeaderboardRecordPage listRecords(LeaderboardRecordsRequest request) {
        return refusing(() -> service.listTournamentRecords(request));
    }

    @Override
    public LeaderboardRecordPage listRecordsAroundOwner(AroundOwnerRequest request) {
        return refusing(() -> service.tournamentRecordsAroundOwner(request));
    }
}
