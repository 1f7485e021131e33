package io.gantry.core.tracker;

import com.heroiclabs.nakama.rtapi.UserPresence;
import io.gantry.core.session.Session;

/**
 * One session's membership of one stream. The {@link UserPresence} is built once at join time
 * and embedded as is in every event and listing that names this presence.
 *
 * @param session      the member's session, to deliver to
 * @param userPresence what clients see of the member
 * @param hidden       hidden members receive the stream's traffic but appear in no listing or event
 * @param joinSequence the tracker's join counter when the member joined: smaller is older
 */
public record Presence(Session session, UserPresence userPresence, boolean hidden, long joinSequence) {

    public String sessionId() {
        return userPresence.getSessionId();
    }

    public String userId() {
        return userPresence.getUserId();
    }
}
