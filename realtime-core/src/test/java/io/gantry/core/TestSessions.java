package io.gantry.core;

import io.gantry.core.session.Connection;
import io.gantry.core.session.Outbound;
import io.gantry.core.session.Session;
import io.gantry.proto.WireFormat;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

/** Sessions without sockets: what they are sent is collected when a flush is requested. */
public final class TestSessions {

    /** A connection that drains on request and remembers closes. */
    public static final class Recording implements Connection {
        public final List<Outbound> received = new CopyOnWriteArrayList<>();
        public volatile int closeCode = -1;
        public volatile String closeReason;
        public volatile boolean drainOnRequest = true;
        /** Told of each message as it is received (on the sending thread), or null. */
        public volatile java.util.function.Consumer<Outbound> onReceive;

        @Override
        public void requestFlush(Session session) {
            if (!drainOnRequest) {
                return;
            }
            do {
                Outbound message;
                while ((message = session.poll()) != null) {
                    received.add(message);
                    java.util.function.Consumer<Outbound> hook = onReceive;
                    if (hook != null) {
                        hook.accept(message);
                    }
                }
            } while (session.flushDone());
        }

        @Override
        public void close(int code, String reason) {
            closeCode = code;
            closeReason = reason;
        }
    }

    private TestSessions() {
    }

    public static Session session(Connection connection, int queueSize) {
        String id = UUID.randomUUID().toString();
        return new Session(id, UUID.randomUUID().toString(), "user-" + id.substring(0, 5), Map.of(), WireFormat.JSON,
                "en", false, Long.MAX_VALUE, queueSize, connection);
    }
}
