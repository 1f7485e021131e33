package io.gantry.proto;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import com.heroiclabs.nakama.rtapi.Envelope;
import com.heroiclabs.nakama.rtapi.Error;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Encodes and decodes realtime envelopes in both wire formats.
 *
 * <p>JSON follows Nakama's protojson conventions: proto field names, int64 as strings, bytes as
 * base64, wrappers as bare values, timestamps in RFC 3339, default values omitted. Decoding is
 * strict: an unknown or wrongly typed field is an error, like an empty envelope or a message
 * type only the server may send. Thread-safe: all state is immutable.
 */
public final class EnvelopeCodec {

    private static final JsonFormat.Parser STRICT_PARSER = JsonFormat.parser();
    private static final JsonFormat.Parser LENIENT_PARSER = JsonFormat.parser().ignoringUnknownFields();

    /** The answer to a {@code connect} anywhere but as a TCP connection's first frame. */
    public static final String CONNECT_NOT_HERE = "Unrecognized message: 'connect' is only the first frame of a TCP "
            + "connection; this session is already authenticated.";

    private EnvelopeCodec() {
    }

    /**
     * Decodes a client envelope from a text frame's UTF-8 bytes. {@link ProtoJsonReader} reads
     * the common frames straight into the envelope; whatever it does not take (invalid frames,
     * and valid ones in forms it leaves alone) goes through {@link #decodeJson(String)} on the
     * same text, which gives the envelope or the exact error that path always gave.
     */
    public static Envelope decodeJson(byte[] utf8, int offset, int length) throws InvalidEnvelopeException {
        Envelope envelope = ProtoJsonReader.readEnvelope(utf8, offset, length);
        if (envelope == null) {
            // as Netty's frame.text() decodes: malformed UTF-8 becomes replacement characters
            return decodeJson(new String(utf8, offset, length, StandardCharsets.UTF_8));
        }
        return validateClientEnvelope(envelope);
    }

    /** {@link #decodeJson(byte[], int, int)} on a buffer's remaining bytes (its position is not moved). */
    public static Envelope decodeJson(ByteBuffer utf8) throws InvalidEnvelopeException {
        if (utf8.hasArray()) {
            return decodeJson(utf8.array(), utf8.arrayOffset() + utf8.position(), utf8.remaining());
        }
        int length = utf8.remaining();
        return decodeJson(ProtoJsonReader.copyOf(utf8), 0, length);
    }

    /**
     * Decodes a client envelope from a text frame's text: the reference path (JsonFormat, then
     * the protojson type check), whose errors and cids the byte decoders reproduce.
     */
    public static Envelope decodeJson(String json) throws InvalidEnvelopeException {
        return validateClientEnvelope(parseJsonReference(json));
    }

    /** The envelope a JSON text holds, by JsonFormat and the protojson type check, whatever its type. */
    static Envelope parseJsonReference(String json) throws InvalidEnvelopeException {
        Envelope.Builder builder = Envelope.newBuilder();
        try {
            STRICT_PARSER.merge(json, builder);
        } catch (InvalidProtocolBufferException | RuntimeException e) {
            throw new InvalidEnvelopeException(Error.Code.UNRECOGNIZED_PAYLOAD_VALUE,
                    "Could not decode message: " + describe(e), readCid(json));
        }
        // The parser stops after the first JSON value; a frame is exactly one envelope.
        if (!isSingleObject(json)) {
            throw new InvalidEnvelopeException(Error.Code.UNRECOGNIZED_PAYLOAD_VALUE,
                    "Could not decode message: data after the envelope's closing brace.", builder.getCid());
        }
        // JsonFormat's reader is lenient (it takes control characters and unquoted words that
        // protojson refuses): the strict tree below is what decides whether the frame is JSON.
        JsonObject tree;
        try {
            tree = JsonParser.parseString(json).getAsJsonObject();
        } catch (RuntimeException e) {
            throw new InvalidEnvelopeException(Error.Code.UNRECOGNIZED_PAYLOAD_VALUE,
                    "Could not decode message: " + describe(e), builder.getCid());
        }
        // JsonFormat reads 1 into a string field and "true" into a bool; protojson, and so Nakama, refuses both.
        String mismatch = JsonTypeCheck.firstMismatch(tree, Envelope.getDescriptor());
        if (mismatch != null) {
            throw new InvalidEnvelopeException(Error.Code.UNRECOGNIZED_PAYLOAD_VALUE,
                    "Could not decode message: " + mismatch + ".", builder.getCid());
        }
        return builder.build();
    }

    /** Decodes a client envelope from a binary frame. */
    public static Envelope decodeBinary(ByteBuffer bytes) throws InvalidEnvelopeException {
        return validateClientEnvelope(parseBinary(bytes));
    }

    /**
     * Parses a binary envelope strictly (no unknown field at any depth) without asking whether a
     * client may send its type: the TCP transport looks for its handshake first, then calls
     * {@link #validateClientEnvelope}.
     */
    public static Envelope parseBinary(ByteBuffer bytes) throws InvalidEnvelopeException {
        Envelope envelope;
        try {
            envelope = Envelope.parseFrom(CodedInputStream.newInstance(bytes.duplicate()));
        } catch (IOException | RuntimeException e) {
            throw new InvalidEnvelopeException(Error.Code.UNRECOGNIZED_PAYLOAD_VALUE,
                    "Could not decode message: " + describe(e), "");
        }
        // Strict at every depth, as the JSON decoder is: an unknown field inside a message would
        // otherwise pass through (and differ from the same envelope sent as JSON).
        String unknown;
        try {
            unknown = UnknownFieldScan.firstUnknown(CodedInputStream.newInstance(bytes.duplicate()), Envelope.getDescriptor());
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("bytes protobuf parsed did not scan", e);
        }
        if (unknown != null) {
            throw new InvalidEnvelopeException(Error.Code.UNRECOGNIZED_PAYLOAD_VALUE,
                    "Could not decode message: unknown field " + unknown, envelope.getCid());
        }
        return envelope;
    }

    public static Envelope decodeBinary(byte[] bytes) throws InvalidEnvelopeException {
        return decodeBinary(ByteBuffer.wrap(bytes));
    }

    /** Encodes an envelope as compact protojson (UTF-8), written as bytes by {@link JsonPrinter#printUtf8}. */
    public static byte[] encodeJson(Envelope envelope) {
        return JsonPrinter.printUtf8(envelope);
    }

    /** Encodes an envelope in the protobuf binary format. */
    public static byte[] encodeBinary(Envelope envelope) {
        return envelope.toByteArray();
    }

    public static byte[] encode(WireFormat format, Envelope envelope) {
        return format == WireFormat.JSON ? encodeJson(envelope) : encodeBinary(envelope);
    }

    /**
     * Any message as compact protojson with proto field names (REST bodies use the same form): the
     * text JsonFormat's printer gives, by {@link JsonPrinter}, which walks the serialised bytes
     * instead of reflecting over the fields.
     */
    public static String toJson(Message message) {
        return JsonPrinter.print(message);
    }

    /**
     * Merges a REST request body into a builder. Unknown fields are ignored, as Nakama's gateway
     * does; wrongly typed values are an error.
     */
    public static void mergeJson(String json, Message.Builder builder) throws InvalidProtocolBufferException {
        try {
            LENIENT_PARSER.merge(json, builder);
        } catch (InvalidProtocolBufferException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new InvalidProtocolBufferException(describe(e));
        }
    }

    /**
     * The envelope when a client may send it as a request: a message is set, it is not one only
     * the server sends, and it is not the TCP transport's handshake (which only a TCP
     * connection's first frame may carry).
     */
    public static Envelope validateClientEnvelope(Envelope envelope) throws InvalidEnvelopeException {
        Envelope.MessageCase type = envelope.getMessageCase();
        if (type == Envelope.MessageCase.MESSAGE_NOT_SET) {
            throw new InvalidEnvelopeException(Error.Code.MISSING_PAYLOAD_VALUE, "Missing message.", envelope.getCid());
        }
        if (type == Envelope.MessageCase.CONNECT) {
            throw new InvalidEnvelopeException(Error.Code.UNRECOGNIZED_PAYLOAD_VALUE, CONNECT_NOT_HERE, envelope.getCid());
        }
        if (!ClientMessages.isClientRequest(type)) {
            throw new InvalidEnvelopeException(Error.Code.UNRECOGNIZED_PAYLOAD_VALUE,
                    "Unrecognized message: '" + ClientMessages.jsonName(type) + "' is sent by the server, not by clients.",
                    envelope.getCid());
        }
        return envelope;
    }

    /**
     * Whether the text is one JSON object and nothing but whitespace after it. Called after the
     * parser accepted the object, so only the brace nesting (outside strings) needs following.
     */
    static boolean isSingleObject(String json) {
        int depth = 0;
        boolean inString = false;
        int length = json.length();
        int i = 0;
        while (i < length && Character.isWhitespace(json.charAt(i))) {
            i++;
        }
        for (; i < length; i++) {
            char c = json.charAt(i);
            if (inString) {
                if (c == '\\') {
                    i++;
                } else if (c == '"') {
                    inString = false;
                }
            } else if (c == '"') {
                inString = true;
            } else if (c == '{' || c == '[') {
                depth++;
            } else if (c == '}' || c == ']') {
                depth--;
                if (depth == 0) {
                    for (int j = i + 1; j < length; j++) {
                        if (!Character.isWhitespace(json.charAt(j))) {
                            return false;
                        }
                    }
                    return true;
                }
            }
        }
        return false;
    }

    /** Best effort: the cid of a JSON frame that did not decode, or "" when it cannot be read. */
    static String readCid(String json) {
        try {
            JsonElement root = JsonParser.parseString(json);
            if (root.isJsonObject()) {
                JsonObject object = root.getAsJsonObject();
                JsonElement cid = object.get("cid");
                if (cid != null && cid.isJsonPrimitive()) {
                    return cid.getAsString();
                }
            }
        } catch (RuntimeException ignored) {
            // not JSON at all: there is no cid to echo
        }
        return "";
    }

    private static String describe(Exception e) {
        String message = e.getMessage();
        if (message == null || message.isEmpty()) {
            return e.getClass().getSimpleName();
        }
        // Keep error messages to one short line: clients show them to developers.
        message = message.replace('\n', ' ');
        return message.length() > 200 ? message.substring(0, 200) + "…" : message;
    }
}
