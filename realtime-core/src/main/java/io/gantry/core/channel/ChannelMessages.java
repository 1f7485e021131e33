package io.gantry.core.channel;

import io.gantry.core.ApiTimes;
import com.google.protobuf.BoolValue;
import com.google.protobuf.Int32Value;
import com.heroiclabs.nakama.api.ChannelMessage;
import com.heroiclabs.nakama.rtapi.ChannelMessageAck;
import io.gantry.proto.storage.StoredChannelMessage;

/** Conversions between stored messages and what clients see, shared by the socket and REST. */
public final class ChannelMessages {

    /** Message codes (Nakama's): a chat message, an update of one, a removal of one. */
    public static final int CODE_CHAT = 0;
    public static final int CODE_UPDATE = 1;
    public static final int CODE_REMOVE = 2;

    private ChannelMessages() {
    }

    public static ChannelMessage toApi(StoredChannelMessage stored, int code, boolean persistent) {
        return ChannelMessage.newBuilder()
                .setChannelId(stored.getChannelId())
                .setMessageId(stored.getMessageId())
                .setCode(Int32Value.of(code))
                .setSenderId(stored.getSenderId())
                .setUsername(stored.getUsername())
                .setContent(stored.getContent())
                .setCreateTime(ApiTimes.ofMicros(stored.getCreateTimeUs()))
                .setUpdateTime(ApiTimes.ofMicros(stored.getUpdateTimeUs()))
                .setPersistent(BoolValue.of(persistent))
                .setRoomName(stored.getRoomName())
                .setGroupId(stored.getGroupId())
                .setUserIdOne(stored.getUserIdOne())
                .setUserIdTwo(stored.getUserIdTwo())
                .build();
    }

    /** A history entry: stored messages are persistent and keep the code they were stored with. */
    public static ChannelMessage toApi(StoredChannelMessage stored) {
        return toApi(stored, stored.getCode(), true);
    }

    public static ChannelMessageAck ack(StoredChannelMessage stored, int code, boolean persistent) {
        return ChannelMessageAck.newBuilder()
                .setChannelId(stored.getChannelId())
                .setMessageId(stored.getMessageId())
                .setCode(Int32Value.of(code))
                .setUsername(stored.getUsername())
                .setCreateTime(ApiTimes.ofMicros(stored.getCreateTimeUs()))
                .setUpdateTime(ApiTimes.ofMicros(stored.getUpdateTimeUs()))
                .setPersistent(BoolValue.of(persistent))
                .setRoomName(stored.getRoomName())
                .setGroupId(stored.getGroupId())
                .setUserIdOne(stored.getUserIdOne())
                .setUserIdTwo(stored.getUserIdTwo())
                .build();
    }
}
