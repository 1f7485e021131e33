package io.gantry.core.router;

import io.gantry.core.session.Session;

/** Told on the router thread when a session connects or disconnects. */
public interface SessionListener {
    default void onConnect(Session session) {
    }

    default void onDisconnect(Session session) {
    }
}
