package io.gantry.core.session;

/** WebSocket close codes Gantry uses (RFC 6455 §7.4.1). */
public final class CloseCodes {
    public static final int NORMAL = 1000;
    /**
     * "No status code" (1005): never on the wire; a WebSocket close with it is a close frame with an
     * empty body, which the client reports as 1005 (Nakama closes a deleted user's sockets so).
     */
    public static final int NO_STATUS = 1005;
    public static final int GOING_AWAY = 1001;
    public static final int UNSUPPORTED_DATA = 1003;
    public static final int INVALID_PAYLOAD = 1007;
    public static final int POLICY_VIOLATION = 1008;
    public static final int MESSAGE_TOO_BIG = 1009;
    public static final int INTERNAL_ERROR = 1011;
    public static final int TRY_AGAIN_LATER = 1013;

    private CloseCodes() {
    }
}
