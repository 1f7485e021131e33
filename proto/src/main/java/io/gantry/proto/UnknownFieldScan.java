package io.gantry.proto;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.WireFormat;

import java.io.IOException;

/**
 * Finds the first field of encoded protobuf bytes that their message type does not declare, at
 * any depth, by reading the wire itself: each tag is looked up in the type's descriptor and
 * message fields are entered, everything else is skipped. A declared field sent with a wire type
 * it cannot have (which protobuf-java would also keep as an unknown field) counts as unknown.
 * No message object is touched, so none of protobuf-java's reflective accessors run: the cost is
 * one pass over the bytes and one descriptor lookup per field present.
 */
final class UnknownFieldScan {

    private UnknownFieldScan() {
    }

    /**
     * The path of the first unknown field ({@code "channel_join.[7]"}; a top-level one is
     * {@code "[99]"}), or null when every field is declared. The bytes must be a well-formed
     * encoding (parse them first); a malformed one throws.
     */
    static String firstUnknown(CodedInputStream in, Descriptor type) throws IOException {
        return firstUnknown(in, type, "");
    }

    private static String firstUnknown(CodedInputStream in, Descriptor type, String path) throws IOException {
        while (true) {
            int tag = in.readTag();
            if (tag == 0) {
                return null; // the end of the bytes, or of this message's limit
            }
            int number = WireFormat.getTagFieldNumber(tag);
            int wireType = WireFormat.getTagWireType(tag);
            FieldDescriptor field = type.findFieldByNumber(number);
            if (field == null || !fits(field, wireType)) {
                return path + "[" + number + "]";
            }
            if (field.getJavaType() == FieldDescriptor.JavaType.MESSAGE) {
                int limit = in.pushLimit(in.readRawVarint32());
                String found = firstUnknown(in, field.getMessageType(), path + field.getName() + ".");
                if (found != null) {
                    return found;
                }
                in.popLimit(limit);
            } else if (!in.skipField(tag)) {
                return null; // an end-group tag: not in proto3, and the parser accepted the bytes
            }
        }
    }

    /** Whether protobuf-java reads this wire type into the field (a repeated number may come packed or not). */
    private static boolean fits(FieldDescriptor field, int wireType) {
        int declared = field.getLiteType().getWireType();
        return wireType == declared
                || (field.isRepeated() && field.getLiteType().isPackable() && wireType == WireFormat.WIRETYPE_LENGTH_DELIMITED);
    }
}
