package io.gantry.proto;

import com.heroiclabs.nakama.rtapi.Envelope;
import com.heroiclabs.nakama.rtapi.Envelope.MessageCase;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/** Which envelope message types a client may send; the rest are the server's to send. */
public final class ClientMessages {

    private static final Set<MessageCase> CLIENT_REQUESTS = EnumSet.of(
            MessageCase.CHANNEL_JOIN,
            MessageCase.CHANNEL_LEAVE,
            MessageCase.CHANNEL_MESSAGE_SEND,
            MessageCase.CHANNEL_MESSAGE_UPDATE,
            MessageCase.CHANNEL_MESSAGE_REMOVE,
            MessageCase.MATCH_CREATE,
            MessageCase.MATCH_DATA_SEND,
            MessageCase.MATCH_JOIN,
            MessageCase.MATCH_LEAVE,
            MessageCase.MATCHMAKER_ADD,
            MessageCase.MATCHMAKER_REMOVE,
            MessageCase.RPC,
            MessageCase.STATUS_FOLLOW,
            MessageCase.STATUS_UNFOLLOW,
            MessageCase.STATUS_UPDATE,
            MessageCase.PING,
            MessageCase.PONG,
            MessageCase.PARTY_CREATE,
            MessageCase.PARTY_JOIN,
            MessageCase.PARTY_LEAVE,
            MessageCase.PARTY_PROMOTE,
            MessageCase.PARTY_ACCEPT,
            MessageCase.PARTY_REMOVE,
            MessageCase.PARTY_CLOSE,
            MessageCase.PARTY_JOIN_REQUEST_LIST,
            MessageCase.PARTY_MATCHMAKER_ADD,
            MessageCase.PARTY_MATCHMAKER_REMOVE,
            MessageCase.PARTY_DATA_SEND);

    private ClientMessages() {
    }

    public static boolean isClientRequest(MessageCase type) {
        return CLIENT_REQUESTS.contains(type);
    }

    /** The JSON field name of a message type, e.g. {@code channel_join}. */
    public static String jsonName(MessageCase type) {
        if (type == MessageCase.MESSAGE_NOT_SET) {
            return "";
        }
        return Envelope.getDescriptor().findFieldByNumber(type.getNumber()).getName().toLowerCase(Locale.ROOT);
    }
}
