package io.gantry.core.router;

import com.heroiclabs.nakama.rtapi.Envelope;
import io.gantry.core.session.Session;

/** A slot of the router's ring. Preallocated and reused; fields are cleared after handling. */
final class RouterEvent {
    static final int REQUEST = 0;
    static final int CONNECT = 1;
    static final int DISCONNECT = 2;
    static final int TASK = 3;
    /** Nothing to do: ends a batch, whose end drains the overflows. */
    static final int WAKE = 4;

    int kind;
    Session session;
    Envelope envelope;
    Runnable task;

    void clear() {
        session = null;
        envelope = null;
        task = null;
    }
}
