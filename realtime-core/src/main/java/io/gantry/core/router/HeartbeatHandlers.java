package io.gantry.core.router;

import com.heroiclabs.nakama.rtapi.Envelope;
import com.heroiclabs.nakama.rtapi.Pong;

/** The application-level heartbeat: {@code ping} is answered with {@code pong}; a {@code pong} needs no answer. */
public final class HeartbeatHandlers {

    private static final Pong PONG = Pong.getDefaultInstance();

    private HeartbeatHandlers() {
    }

    public static void register(Router router) {
        router.register(Envelope.MessageCase.PING,
                (session, request) -> session.send(Envelope.newBuilder().setCid(request.getCid()).setPong(PONG).build()));
        router.register(Envelope.MessageCase.PONG, (session, request) -> {
        });
    }
}
