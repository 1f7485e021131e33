package io.gantry.client;

/**
 * The server refused a connection's {@code connect}: {@link #code()} and {@link #getMessage()}
 * are its {@code Error}'s (for example code 3, "Missing or invalid token"), and
 * {@link #closeCode()} the {@code disconnect} that followed (1008 refused, 1013 busy).
 */
public final class TcpConnectException extends RuntimeException {

    private final int code;
    private final int closeCode;

    public TcpConnectException(int code, String message, int closeCode) {
        super(message);
        this.code = code;
        this.closeCode = closeCode;
    }

    public int code() {
        return code;
    }

    public int closeCode() {
        return closeCode;
    }
}
