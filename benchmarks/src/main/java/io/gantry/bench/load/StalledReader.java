package io.gantry.bench.load;

import com.heroiclabs.nakama.rtapi.Connect;
import com.heroiclabs.nakama.rtapi.Envelope;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * A client that stops reading: a plain TCP socket that does the WebSocket upgrade by hand, sends
 * one text frame (a {@code channel_join}), and then never reads again, with a small receive
 * buffer so the server's writes back up quickly; or, on Gantry's TCP transport, sends its
 * {@code connect}, reads the {@code connected} answer, sends the {@code channel_join} envelope and
 * never reads again. The server should drop it as a slow consumer
 * without the other members noticing; {@link #droppedByServer} tells, after the run, whether it
 * did. Blocking I/O on the caller's thread, only during set-up and tear-down.
 */
final class StalledReader implements AutoCloseable {
    private static final int RECEIVE_BUFFER = 4096;

    private final Socket socket;

    private StalledReader(Socket socket) {
        this.socket = socket;
    }

    /** Connects with {@code token}, upgrades (JSON) and sends {@code firstFrame}; never reads after that. */
    static StalledReader open(String host, int port, String token, String firstFrame) throws IOException {
        Socket socket = new Socket();
        socket.setReceiveBufferSize(RECEIVE_BUFFER); // before connect: it sets the advertised window
        socket.connect(new InetSocketAddress(host, port), 10_000);
        socket.setSoTimeout(10_000);
        OutputStream out = socket.getOutputStream();
        out.write(("GET /ws?lang=en&status=false&format=json&token=" + URLEncoder.encode(token, StandardCharsets.UTF_8)
                + " HTTP/1.1\r\nHost: " + Auth.hostForUri(host) + ":" + port + "\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                + "Sec-WebSocket-Version: 13\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        String status = readHead(socket.getInputStream());
        if (!status.contains(" 101 ")) {
            socket.close();
            throw new IOException("upgrade refused: " + status);
        }
        out.write(maskedText(firstFrame));
        out.flush();
        return new StalledReader(socket);
    }

    /**
     * Connects to Gantry's TCP transport with {@code token}, waits for {@code connected}, and sends
     * {@code firstEnvelope}; never reads after that.
     */
    static StalledReader openTcp(String host, int port, String token, Envelope firstEnvelope) throws IOException {
        Socket socket = new Socket();
        socket.setReceiveBufferSize(RECEIVE_BUFFER);
        socket.connect(new InetSocketAddress(host, port), 10_000);
        socket.setSoTimeout(10_000);
        OutputStream out = socket.getOutputStream();
        Envelope.newBuilder().setCid("connect").setConnect(Connect.newBuilder().setToken(token).setLang("en"))
                .build().writeDelimitedTo(out);
        out.flush();
        Envelope answer = Envelope.parseDelimitedFrom(socket.getInputStream());
        if (answer == null || !answer.hasConnected()) {
            socket.close();
            throw new IOException("connect refused: " + (answer == null ? "connection closed" : answer.toString().trim()));
        }
        firstEnvelope.writeDelimitedTo(out);
        out.flush();
        return new StalledReader(socket);
    }

    /** Reads up to the end of the response head (byte by byte: nothing after it is consumed). */
    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        int b;
        while (matched < 4 && (b = in.read()) >= 0) {
            head.write(b);
            matched = (b == '\r' || b == '\n') ? (matched + 1) : 0;
        }
        String text = head.toString(StandardCharsets.ISO_8859_1);
        int eol = text.indexOf('\r');
        return eol < 0 ? text : text.substring(0, eol);
    }

    private static byte[] maskedText(String text) {
        byte[] payload = text.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream frame = new ByteArrayOutputStream(payload.length + 8);
        frame.write(0x81);
        if (payload.length < 126) {
            frame.write(0x80 | payload.length);
        } else {
            frame.write(0x80 | 126);
            frame.write(payload.length >>> 8);
            frame.write(payload.length & 0xff);
        }
        byte[] mask = {0x1b, 0x2c, 0x3d, 0x4e};
        frame.write(mask, 0, 4);
        for (int i = 0; i < payload.length; i++) {
            frame.write(payload[i] ^ mask[i % 4]);
        }
        return frame.toByteArray();
    }

    /**
     * After the run: reads what the socket has buffered until the end of the stream (the server
     * dropped it) or until nothing comes for {@code quietMs} (it is still open). Reading now
     * cannot change the measurement.
     */
    boolean droppedByServer(int quietMs) {
        try {
            socket.setSoTimeout(quietMs);
            InputStream in = socket.getInputStream();
            byte[] buf = new byte[65536];
            while (in.read(buf) >= 0) {
                // drain
            }
            return true;
        } catch (SocketTimeoutException stillOpen) {
            return false;
        } catch (IOException reset) {
            return true;
        }
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing a socket that failed already
        }
    }
}
