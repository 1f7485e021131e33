package io.gantry.server.testing;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.heroiclabs.nakama.rtapi.Envelope;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;

/**
 * A bare TCP connection to the TCP transport for bad-input tests: writes any bytes (frames or
 * garbage) and reads the server's frames one by one, with a timeout on every read. Unlike
 * {@link SocketClient} it does nothing by itself: no handshake, no pong.
 */
public final class RawTcp implements AutoCloseable {

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    private RawTcp(Socket socket) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
    }

    public static RawTcp open(int port) {
        return open(port, 0);
    }

    /** With a receive buffer of this many bytes (0: the system's), set before connecting. */
    public static RawTcp open(int port, int receiveBufferBytes) {
        try {
            Socket socket = new Socket();
            if (receiveBufferBytes > 0) {
                socket.setReceiveBufferSize(receiveBufferBytes);
            }
            socket.connect(new InetSocketAddress("127.0.0.1", port), (int) SocketClient.TIMEOUT.toMillis());
            socket.setSoTimeout((int) SocketClient.TIMEOUT.toMillis());
            socket.setTcpNoDelay(true);
            return new RawTcp(socket);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The bytes of a frame: the envelope behind its varint32 length. */
    public static byte[] frame(byte[] envelope) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            CodedOutputStream coded = CodedOutputStream.newInstance(bytes);
            coded.writeUInt32NoTag(envelope.length);
            coded.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        bytes.writeBytes(envelope);
        return bytes.toByteArray();
    }

    public void send(Envelope envelope) {
        write(frame(envelope.toByteArray()));
    }

    public void write(byte[] bytes) {
        try {
            out.write(bytes);
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Ends the client's side of the stream (a FIN); the server may still write. */
    public void shutdownOutput() {
        try {
            socket.shutdownOutput();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The next frame from the server, decoded; fails on a timeout or the end of the stream. */
    public Envelope next() {
        try {
            int first = in.read();
            if (first < 0) {
                throw new AssertionError("the server closed the connection instead of sending a frame");
            }
            int length = CodedInputStream.readRawVarint32(first, in);
            byte[] envelope = in.readNBytes(length);
            if (envelope.length < length) {
                throw new AssertionError("the connection ended inside a frame");
            }
            return Envelope.parseFrom(envelope);
        } catch (SocketTimeoutException e) {
            throw new AssertionError("no frame from the server within " + SocketClient.TIMEOUT, e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Reads and decodes frames until the server ends the stream (a FIN or a reset, which also
     * ends it); returns the last frame read, or null when there was none.
     */
    public Envelope readToEnd() {
        Envelope last = null;
        try {
            while (true) {
                int first = in.read();
                if (first < 0) {
                    return last;
                }
                int length = CodedInputStream.readRawVarint32(first, in);
                byte[] envelope = in.readNBytes(length);
                if (envelope.length < length) {
                    return last; // cut off by the close: the frame never completed
                }
                last = Envelope.parseFrom(envelope);
            }
        } catch (java.net.SocketException reset) {
            return last;
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the server did not end the connection within " + SocketClient.TIMEOUT, e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Asserts the server ends the stream (FIN or reset) with nothing more to read. */
    public void awaitEnd() {
        try {
            int next = in.read();
            if (next >= 0) {
                throw new AssertionError("expected the end of the stream, got more bytes (first: " + next + ")");
            }
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the server did not close the connection within " + SocketClient.TIMEOUT, e);
        } catch (java.net.SocketException e) {
            // a reset: the connection is gone too
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing a test socket
        }
    }
}
