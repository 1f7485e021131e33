package io.gantry.server.testing;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The upgrade and the frames at the byte level, on a plain TCP socket, for only what
 * {@link SocketClient} (the JDK's client) cannot show or do: the HTTP answer to an upgrade (status,
 * headers, body), a client that never answers pings, and one that never reads (with a small
 * receive buffer). Everything else goes through {@link SocketClient}.
 */
public final class RawWebSocket implements AutoCloseable {

    /** The HTTP response to the upgrade request. */
    public record Head(int status, Map<String, String> headers, String body) {
    }

    /** One frame from the server (server frames are never masked). */
    public record Frame(int opcode, byte[] payload) {
        public static final int CLOSE = 0x8;
        public static final int PING = 0x9;

        public int closeCode() {
            return payload.length >= 2 ? ((payload[0] & 0xff) << 8) | (payload[1] & 0xff) : -1;
        }

        /** The reason of a close frame (after its code), or "". */
        public String closeReason() {
            return payload.length > 2 ? new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8) : "";
        }
    }

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    private RawWebSocket(Socket socket) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
    }

    /** Connects and sends a valid upgrade request for {@code pathAndQuery}; read the answer with {@link #readHead}. */
    public static RawWebSocket open(int port, String pathAndQuery) throws IOException {
        return open(port, pathAndQuery, 0);
    }

    /**
     * As {@link #open(int, String)}, with the kernel's receive buffer set to about
     * {@code receiveBufferBytes} before connecting (0: the system default), so that a client that
     * never reads fills it quickly.
     */
    public static RawWebSocket open(int port, String pathAndQuery, int receiveBufferBytes) throws IOException {
        Socket socket = new Socket();
        if (receiveBufferBytes > 0) {
            socket.setReceiveBufferSize(receiveBufferBytes); // before connect: sets the advertised window
        }
        socket.connect(new java.net.InetSocketAddress("127.0.0.1", port), 5000);
        socket.setSoTimeout(5000);
        RawWebSocket ws = new RawWebSocket(socket);
        String request = "GET " + pathAndQuery + " HTTP/1.1\r\n"
                + "Host: 127.0.0.1:" + port + "\r\n"
                + "Upgrade: websocket\r\n"
                + "Connection: Upgrade\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                + "Sec-WebSocket-Version: 13\r\n"
                + "\r\n";
        ws.out.write(request.getBytes(StandardCharsets.US_ASCII));
        ws.out.flush();
        return ws;
    }

    /** The status of an upgrade attempt, with its body; the connection is closed afterwards. */
    public static Head upgrade(int port, String pathAndQuery) throws IOException {
        try (RawWebSocket ws = open(port, pathAndQuery)) {
            return ws.readHead();
        }
    }

    public void setReadTimeout(int millis) throws IOException {
        socket.setSoTimeout(millis);
    }

    /** Reads the status line, the headers and (if there is a content length) the body. */
    public Head readHead() throws IOException {
        String statusLine = readLine();
        String[] parts = statusLine.split(" ", 3);
        int status = Integer.parseInt(parts[1]);
        Map<String, String> headers = new LinkedHashMap<>();
        for (String line = readLine(); !line.isEmpty(); line = readLine()) {
            int colon = line.indexOf(':');
            headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
        }
        String body = "";
        String length = headers.get("content-length");
        if (length != null && status != 101) {
            body = new String(in.readNBytes(Integer.parseInt(length)), StandardCharsets.UTF_8);
        }
        return new Head(status, headers, body);
    }

    /** The next frame; null when the server closed the TCP connection. */
    public Frame readFrame() throws IOException {
        int b0 = in.read();
        if (b0 < 0) {
            return null;
        }
        int b1 = in.read();
        if (b1 < 0) {
            return null;
        }
        long length = b1 & 0x7f;
        if (length == 126) {
            length = ((long) readByte() << 8) | readByte();
        } else if (length == 127) {
            length = 0;
            for (int i = 0; i < 8; i++) {
                length = (length << 8) | readByte();
            }
        }
        byte[] mask = null;
        if ((b1 & 0x80) != 0) {
            mask = in.readNBytes(4);
        }
        byte[] payload = in.readNBytes((int) length);
        if (payload.length < length) {
            return null;
        }
        if (mask != null) {
            for (int i = 0; i < payload.length; i++) {
                payload[i] ^= mask[i % 4];
            }
        }
        return new Frame(b0 & 0x0f, payload);
    }

    /** Sends a text frame, masked as a client must. */
    public void sendText(String text) throws IOException {
        byte[] payload = text.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream frame = new ByteArrayOutputStream(payload.length + 14);
        frame.write(0x81); // FIN, text
        if (payload.length < 126) {
            frame.write(0x80 | payload.length);
        } else if (payload.length < 65536) {
            frame.write(0x80 | 126);
            frame.write(payload.length >>> 8);
            frame.write(payload.length & 0xff);
        } else {
            throw new IllegalArgumentException("frame too large for this test client");
        }
        byte[] mask = {0x12, 0x34, 0x56, 0x78};
        frame.write(mask, 0, 4);
        for (int i = 0; i < payload.length; i++) {
            frame.write(payload[i] ^ mask[i % 4]);
        }
        out.write(frame.toByteArray());
        out.flush();
    }

    private int readByte() throws IOException {
        int b = in.read();
        if (b < 0) {
            throw new EOFException();
        }
        return b;
    }

    private String readLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0) {
            if (b == '\n') {
                break;
            }
            if (b != '\r') {
                line.write(b);
            }
        }
        if (b < 0 && line.size() == 0) {
            throw new EOFException("connection closed before a response line");
        }
        return line.toString(StandardCharsets.ISO_8859_1);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
