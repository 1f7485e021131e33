package io.gantry.core.match;

import com.heroiclabs.nakama.rtapi.UserPresence;
import io.gantry.core.router.Router;
import io.gantry.core.session.Session;

import java.util.List;

/**
 * How an authoritative match, on its worker, tells the router what its handler decided: each
 * call becomes a task on the router thread running the matching {@link MatchService} method.
 * Never blocks for long (the router ring has room unless the router is saturated, and the router
 * never waits for a match worker, so the two cannot deadlock).
 */
interface MatchServiceProxy {

    /** The match is ready for players; {@code then} runs on the router once it is registered. */
    void register(AuthoritativeMatch match, Runnable then);

    void joinAccepted(AuthoritativeMatch match, Session session, UserPresence presence, String cid);

    void joinRejected(Session session, String cid, String reason);

    void kick(String matchId, List<String> sessionIds);

    /** The match ended; {@code failure} is null for a normal end. */
    void ended(String matchId, String failure);

    static MatchServiceProxy of(Router router, MatchService service) {
        return new MatchServiceProxy() {
            @Override
            public void register(AuthoritativeMatch match, Runnable then) {
                router.execute(() -> {
                    service.registerAuthoritative(match);
                    then.run();
                });
            }

            @Override
            public void joinAccepted(AuthoritativeMatch match, Session session, UserPresence presence, String cid) {
                router.execute(() -> service.joinAccepted(match, session, presence, cid));
            }

            @Override
            public void joinRejected(Session session, String cid, String reason) {
                router.execute(() -> service.joinRejected(session, cid, reason));
            }

            @Override
            public void kick(String matchId, List<String> sessionIds) {
                router.execute(() -> service.kick(matchId, sessionIds));
            }

            @Override
            public void ended(String matchId, String failure) {
                router.execute(() -> service.ended(matchId, failure));
            }
        };
    }

    /** Tells nobody: for a match run outside a server (benchmarks). */
    static MatchServiceProxy discarding() {
        return new MatchServiceProxy() {
            @Override
            public void register(AuthoritativeMatch match, Runnable then) {
                then.run();
            }

            @Override
            public void joinAccepted(AuthoritativeMatch match, Session session, UserPresence presence, String cid) {
            }

            @Override
            public void joinRejected(Session session, String cid, String reason) {
            }

            @Override
            public void kick(String matchId, List<String> sessionIds) {
            }

            @Override
            public void ended(String matchId, String failure) {
            }
        };
    }
}
