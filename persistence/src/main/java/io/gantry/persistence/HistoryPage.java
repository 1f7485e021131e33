package io.gantry.persistence;

import io.gantry.proto.storage.StoredChannelMessage;

import java.util.List;

/**
 * One page of a channel's history, in the order that was asked for (oldest first when listing
 * forward, newest first when listing backward). Cursors are opaque strings for
 * {@link HistoryStore#list}; they are what Nakama's {@code ChannelMessageList} carries.
 *
 * @param messages        the messages, at most the limit asked for; unmodifiable
 * @param nextCursor      continues in the same direction after the last message; {@code null}
 *                        when this page reached the end of the channel
 * @param prevCursor      lists the messages just before the first one (in the opposite
 *                        direction of travel); {@code null} when there are none
 * @param cacheableCursor lists forward from after the newest message of this page, so a client
 *                        can keep it and later fetch only newer messages (with
 *                        {@code forward = true}); after an empty page that was asked for with a
 *                        cursor it is that cursor's position again, as in Nakama; {@code null}
 *                        when there is no position to give
 */
public record HistoryPage(List<StoredChannelMessage> messages, String nextCursor, String prevCursor,
                          String cacheableCursor) {

    public HistoryPage {
        messages = List.copyOf(messages);
    }
}
