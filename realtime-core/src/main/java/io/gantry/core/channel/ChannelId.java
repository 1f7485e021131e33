package io.gantry.core.channel;

import io.gantry.core.Uuids;
import io.gantry.core.tracker.Stream;

import java.util.regex.Pattern;

/**
 * A chat channel's identity, as Nakama forms it: {@code mode.subject.subcontext.label}. A room
 * is {@code 2...<name>}, a group {@code 3.<group id>..}, a direct message
 * {@code 4.<lower user id>.<higher user id>.}. The channel is the tracker stream of the same parts.
 */
public record ChannelId(Stream stream) {

    public static final int ROOM = 1;
    public static final int DIRECT_MESSAGE = 2;
    public static final int GROUP = 3;

    /** Room names: 1–64 characters, no control characters (Nakama's rule). */
    private static final Pattern CONTROL = Pattern.compile("\\p{Cntrl}");

    /** Thrown for a channel id or join target that is not valid. */
    public static final class InvalidChannelException extends Exception {
        private static final long serialVersionUID = 1L;

        public InvalidChannelException(String message) {
            super(message, null, false, false);
        }
    }

    public static ChannelId room(String name) throws InvalidChannelException {
        // Nakama's rules and words (core_channel.go BuildChannelId): 1-64 bytes of UTF-8, no control characters
        if (name.isEmpty()) {
            throw new InvalidChannelException("Invalid channel target");
        }
        if (name.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > 64) {
            throw new InvalidChannelException("Channel name is required and must be 1-64 chars: Invalid channel target");
        }
        if (CONTROL.matcher(name).find()) {
            throw new InvalidChannelException("Channel name must not contain control chars: Invalid channel target");
        }
        return new ChannelId(new Stream(Stream.MODE_CHANNEL, "", "", name));
    }

    public static ChannelId directMessage(String userA, String userB) {
        String one = userA.compareTo(userB) <= 0 ? userA : userB;
        String two = one.equals(userA) ? userB : userA;
        return new ChannelId(new Stream(Stream.MODE_DM, one, two, ""));
    }

    public static ChannelId group(String groupId) {
        return new ChannelId(new Stream(Stream.MODE_GROUP, groupId, "", ""));
    }

    /** Parses a channel id a client sent. */
    public static ChannelId parse(String id) throws InvalidChannelException {
        if (id == null || id.isEmpty()) {
            throw new InvalidChannelException("Invalid channel identifier: it is empty.");
        }
        String[] parts = id.split("\\.", 4);
        if (parts.length != 4) {
            throw new InvalidChannelException("Invalid channel identifier '" + shorten(id) + "': expected mode.subject.subcontext.label.");
        }
        int mode;
        try {
            mode = Integer.parseInt(parts[0]);
        } catch (NumberFormatException e) {
            throw new InvalidChannelException("Invalid channel identifier '" + shorten(id) + "': bad mode.");
        }
        switch (mode) {
            case Stream.MODE_CHANNEL -> {
                if (!parts[1].isEmpty() || !parts[2].isEmpty()) {
                    throw new InvalidChannelException("Invalid channel identifier '" + shorten(id) + "': a room id is 2...<name>.");
                }
                return room(parts[3]);
            }
            case Stream.MODE_DM -> {
                if (!Uuids.isCanonical(parts[1]) || !Uuids.isCanonical(parts[2]) || !parts[3].isEmpty() || parts[1].compareTo(parts[2]) > 0) {
                    throw new InvalidChannelException("Invalid channel identifier '" + shorten(id)
                            + "': a direct message id is 4.<lower user id>.<higher user id>. (the same id twice for one's own)");
                }
                return new ChannelId(new Stream(Stream.MODE_DM, parts[1], parts[2], ""));
            }
            case Stream.MODE_GROUP -> {
                if (!Uuids.isCanonical(parts[1]) || !parts[2].isEmpty() || !parts[3].isEmpty()) {
                    throw new InvalidChannelException("Invalid channel identifier '" + shorten(id) + "': a group id is 3.<group id>..");
                }
                return group(parts[1]);
            }
            default -> throw new InvalidChannelException("Invalid channel identifier '" + shorten(id) + "': unknown mode " + mode + ".");
        }
    }

    /** The id clients use. */
    public String id() {
        return stream.mode() + "." + stream.subject() + "." + stream.subcontext() + "." + stream.label();
    }

    public int mode() {
        return stream.mode();
    }

    public String roomName() {
        return stream.mode() == Stream.MODE_CHANNEL ? stream.label() : "";
    }

    public String groupId() {
        return stream.mode() == Stream.MODE_GROUP ? stream.subject() : "";
    }

    public String userIdOne() {
        return stream.mode() == Stream.MODE_DM ? stream.subject() : "";
    }

    public String userIdTwo() {
        return stream.mode() == Stream.MODE_DM ? stream.subcontext() : "";
    }

    /** Whether a user may read this channel's history: anyone for rooms, the two users for a DM. */
    public boolean readableBy(String userId) {
        return stream.mode() != Stream.MODE_DM || stream.subject().equals(userId) || stream.subcontext().equals(userId);
    }

    public static ChannelId of(Stream stream) {
        return new ChannelId(stream);
    }

    private static String shorten(String id) {
        return id.length() > 80 ? id.substring(0, 80) + "…" : id;
    }
}
