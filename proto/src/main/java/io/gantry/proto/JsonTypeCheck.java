package io.gantry.proto;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;

import java.util.Map;

/**
 * The JSON value types protojson (Go's {@code encoding/protojson}, which Nakama decodes socket
 * frames with) accepts for each field, checked against a message's descriptor. protobuf-java's
 * {@code JsonFormat} is laxer: it reads {@code "target": 1} into a string field as {@code "1"} and
 * {@code "hidden": "true"} into a bool; Nakama refuses both and closes the socket. Unknown fields
 * are left to the parser, which refuses them too.
 *
 * <p>Accepted: strings and bytes as JSON strings; bools as JSON booleans; numbers as JSON numbers or
 * strings; enums as strings or numbers; messages as objects; repeated fields as arrays, maps as
 * objects; {@code null} for anything. The wrapper types take their wrapped value's form;
 * {@code Timestamp} a string; {@code Struct}, {@code Value}, {@code ListValue} and {@code Any}
 * anything their own parser accepts. Stateless and thread-safe.
 */
final class JsonTypeCheck {

    private JsonTypeCheck() {
    }

    /** The first wrongly typed field as {@code "path: expected …"}, or null when every value fits. */
    static String firstMismatch(JsonObject object, Descriptor type) {
        return checkObject(object, type, "");
    }

    private static String checkObject(JsonObject object, Descriptor type, String path) {
        for (Map.Entry<String, JsonElement> entry : object.entrySet()) {
            FieldDescriptor field = type.findFieldByName(entry.getKey());
            if (field == null) {
                field = byJsonName(type, entry.getKey());
            }
            if (field == null) {
                continue; // unknown: the parser's strict mode refuses it with its own message
            }
            JsonElement value = entry.getValue();
            if (value.isJsonNull()) {
                continue;
            }
            String fieldPath = path.isEmpty() ? field.getName() : path + "." + field.getName();
            String mismatch;
            if (field.isMapField()) {
                mismatch = checkMap(value, field, fieldPath);
            } else if (field.isRepeated()) {
                mismatch = checkRepeated(value, field, fieldPath);
            } else {
                mismatch = checkSingle(value, field, fieldPath);
            }
            if (mismatch != null) {
                return mismatch;
            }
        }
        return null;
    }

    private static FieldDescriptor byJsonName(Descriptor type, String name) {
        for (FieldDescriptor field : type.getFields()) {
            if (field.getJsonName().equals(name)) {
                return field;
            }
        }
        return null;
    }

    private static String checkMap(JsonElement value, FieldDescriptor field, String path) {
        if (!value.isJsonObject()) {
            return path + ": expected an object";
        }
        FieldDescriptor valueField = field.getMessageType().findFieldByName("value");
        for (Map.Entry<String, JsonElement> entry : value.getAsJsonObject().entrySet()) {
            String mismatch = checkSingle(entry.getValue(), valueField, path + "[" + entry.getKey() + "]");
            if (mismatch != null) {
                return mismatch;
            }
        }
        return null;
    }

    private static String checkRepeated(JsonElement value, FieldDescriptor field, String path) {
        if (!value.isJsonArray()) {
            return path + ": expected an array";
        }
        int i = 0;
        for (JsonElement element : value.getAsJsonArray()) {
            String mismatch = checkSingle(element, field, path + "[" + i++ + "]");
            if (mismatch != null) {
                return mismatch;
            }
        }
        return null;
    }

    private static String checkSingle(JsonElement value, FieldDescriptor field, String path) {
        if (value.isJsonNull()) {
            return null;
        }
        return switch (field.getJavaType()) {
            case STRING, BYTE_STRING -> isString(value) ? null : path + ": expected a string";
            case BOOLEAN -> isBoolean(value) ? null : path + ": expected true or false";
            case INT, LONG, FLOAT, DOUBLE -> isNumberOrString(value) ? null : path + ": expected a number";
            case ENUM -> isNumberOrString(value) ? null : path + ": expected an enum name or number";
            case MESSAGE -> checkMessage(value, field.getMessageType(), path);
        };
    }

    private static String checkMessage(JsonElement value, Descriptor type, String path) {
        switch (type.getFullName()) {
            case "google.protobuf.StringValue", "google.protobuf.BytesValue", "google.protobuf.Timestamp",
                 "google.protobuf.Duration", "google.protobuf.FieldMask" -> {
                return isString(value) ? null : path + ": expected a string";
            }
            case "google.protobuf.BoolValue" -> {
                return isBoolean(value) ? null : path + ": expected true or false";
            }
            case "google.protobuf.Int32Value", "google.protobuf.Int64Value", "google.protobuf.UInt32Value",
                 "google.protobuf.UInt64Value", "google.protobuf.FloatValue", "google.protobuf.DoubleValue" -> {
                return isNumberOrString(value) ? null : path + ": expected a number";
            }
            case "google.protobuf.Struct", "google.protobuf.Value", "google.protobuf.ListValue", "google.protobuf.Any",
                 "google.protobuf.Empty" -> {
                return null; // their own parsing decides
            }
            default -> {
                if (!value.isJsonObject()) {
                    return path + ": expected an object";
                }
                return checkObject(value.getAsJsonObject(), type, path);
            }
        }
    }

    private static boolean isString(JsonElement value) {
        return value.isJsonPrimitive() && ((JsonPrimitive) value).isString();
    }

    private static boolean isBoolean(JsonElement value) {
        return value.isJsonPrimitive() && ((JsonPrimitive) value).isBoolean();
    }

    private static boolean isNumberOrString(JsonElement value) {
        return value.isJsonPrimitive() && (((JsonPrimitive) value).isNumber() || ((JsonPrimitive) value).isString());
    }
}
