package io.gantry.core.session;

import com.heroiclabs.nakama.rtapi.Envelope;
import io.gantry.proto.EnvelopeCodec;
import io.gantry.proto.WireFormat;

/**
 * One message on its way to one or many sessions. It is encoded at most once per wire format,
 * lazily, by the first thread that writes it to a socket of that format; every other recipient
 * shares the same bytes. Encoding therefore never happens on the router thread.
 *
 * <p>The memo is racy on purpose: two event loops may both encode the same envelope at the
 * same moment, which yields identical bytes and costs nothing in correctness; volatile fields
 * make the published arrays safe to read.
 */
public final class Outbound {

    private final Envelope envelope;
    private volatile byte[] json;
    private volatile byte[] binary;

    private Outbound(Envelope envelope) {
        this.envelope = envelope;
    }

    public static Outbound of(Envelope envelope) {
        return new Outbound(envelope);
    }

    /**
     * A message that arrived already encoded as protobuf (from another node of a cluster): its
     * binary form is those bytes, and JSON recipients encode it once as usual.
     */
    public static Outbound ofEncoded(Envelope envelope, byte[] binary) {
        Outbound outbound = new Outbound(envelope);
        outbound.binary = binary;
        return outbound;
    }

    public Envelope envelope() {
        return envelope;
    }

    /** The encoded envelope for a wire format, shared by all recipients. Any thread. */
    public byte[] bytes(WireFormat format) {
        if (format == WireFormat.JSON) {
            byte[] bytes = json;
            if (bytes == null) {
                bytes = EnvelopeCodec.encodeJson(envelope);
                json = bytes;
            }
            return bytes;
        }
        byte[] bytes = binary;
        if (bytes == null) {
            bytes = EnvelopeCodec.encodeBinary(envelope);
            binary = bytes;
        }
        return bytes;
    }
}
