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

    /**
     * As {@link #open(int)}, with the kernel's receive buffer set to about {@code receiveBufferBytes}
     * before connecting (0: the system default), so that a client that never reads fills it quickly.
     */
    public static RawTcp open(int port, int receiveBufferBytes) {
        try {
            Socket socket = new Socket();
            if (receiveBufferBytes > 0) {
                socket.setReceiveBufferSize(receiveBufferBytes); // before connect: sets the advertised window
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
        Envelope envelope = nextOrEnd();
        if (envelope == null) {
            throw new AssertionError("the server closed the connection instead of sending a frame");
        }
        return envelope;
    }

    /**
     * The next frame from the server, decoded, or null at the end of the stream, even within a
     * frame (a server that drops a connection discards what it had not written yet); fails on a
     * timeout, throws {@link UncheckedIOException} (a {@link java.net.SocketException}) on a reset.
     */
    public Envelope nextOrEnd() {
        try {
            int first = in.read();
            if (first < 0) {
                return null;
            }
            int length;
            try {
                length = CodedInputStream.readRawVarint32(first, in);
            } catch (com.google.protobuf.InvalidProtocolBufferException truncated) {
                return null; // the stream ended within the length prefix
            }
            byte[] envelope = in.readNBytes(length);
            if (envelope.length < length) {
                return null;
            }
            return Envelope.parseFrom(envelope);
        } catch (SocketTimeoutException e) {
            throw new AssertionError("no frame from the server within " + SocketClient.TIMEOUT, e);
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
