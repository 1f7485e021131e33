package io.gantry.core.leaderboard;

import io.gantry.core.ServiceException;
import io.gantry.runtime.AroundOwnerRequest;
import io.gantry.runtime.ErrorCode;
import io.gantry.runtime.Leaderboard;
import io.gantry.runtime.LeaderboardCreate;
import io.gantry.runtime.LeaderboardRecord;
import io.gantry.runtime.LeaderboardRecordPage;
import io.gantry.runtime.LeaderboardRecordWrite;
import io.gantry.runtime.LeaderboardRecordsRequest;
import io.gantry.runtime.Leaderboards;
import io.gantry.runtime.RefusedException;

import java.util.List;
import java.util.Objects;

/**
 * Server code's {@link Leaderboards}: the {@link LeaderboardService} with no caller (authoritative
 * boards accept it); a refusal is a {@link RefusedException} with the code and message a client
 * would get. Threads: any thread that may block.
 */
public final class RuntimeLeaderboards implements Leaderboards {

    private final LeaderboardService service;

    public RuntimeLeaderboards(LeaderboardService service) {
        this.service = Objects.requireNonNull(service, "service");
    }

    @FunctionalInterface
    interface Call<T> {
        T run() throws ServiceException;
    }

    static <T> T refusing(Call<T> call) {
        try {
            return call.run();
        } catch (ServiceException e) {
            throw new RefusedException(ErrorCode.valueOf(e.kind().name()), e.getMessage());
        }
    }

    @Override
    public Leaderboard create(LeaderboardCreate create) {
        return refusing(() -> service.create(create));
    }

    @Override
    public void delete(String id) {
        service.delete(id);
    }

    @Override
    public List<Leaderboard> get(List<String> ids) {
        return service.leaderboards(ids);
    }

    @Override
    public LeaderboardRecord writeRecord(LeaderboardRecordWrite write) {
        return refusing(() -> service.writeLeaderboardRecord(null, write));
    }

    @Override
    public void deleteRecord(String boardId, String ownerId) {
        refusing(() -> {
            service.deleteLeaderboardRecord(null, boardId, ownerId);
            return null;
        });
    }

    @Override
    public LeaderboardRecordPage listRecords(LeaderboardRecordsRequest request) {
        return refusing(() -> service.listLeaderboardRecords(request));
    }

    @Override
    public LeaderboardRecordPage listRecordsAroundOwner(AroundOwnerRequest request) {
        return refusing(() -> service.leaderboardRecordsAroundOwner(request));
    }
}
