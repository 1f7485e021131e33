package io.gantry.core.channel;

import com.heroiclabs.nakama.api.ChannelMessageList;
import io.gantry.core.ListLimit;
import io.gantry.core.ServiceException;
import io.gantry.persistence.HistoryPage;
import io.gantry.persistence.HistoryStore;
import io.gantry.persistence.InvalidCursorException;
import io.gantry.proto.storage.StoredChannelMessage;

import java.util.Objects;

/**
 * Pages of a channel's stored messages for a user, with the channel's rules
 * ({@link ChannelAccess}): what {@code GET /v2/channel/{channel_id}} answers.
 *
 * <pre>{@code
 * ChannelHistory channels = new ChannelHistory(store.history(), access);
 * ChannelMessageList newest = channels.list(userId, "2...lobby", 20, false, null);
 * ChannelMessageList older = channels.list(userId, "2...lobby", 20, false, newest.getNextCursor());
 * }</pre>
 *
 * <p>Threads: reads the store, so a blocking executor (the REST threads), never an event loop or
 * the router thread. Stateless: any number of threads at once.
 */
public final class ChannelHistory {

    /** Nakama's words for a cursor this server did not make for this listing. */
    public static final String INVALID_CURSOR = "Cursor is invalid or expired.";

    private final HistoryStore history;
    private final ChannelAccess access;

    public ChannelHistory(HistoryStore history, ChannelAccess access) {
        this.history = Objects.requireNonNull(history, "history");
        this.access = Objects.requireNonNull(access, "access");
    }

    /**
     * One page of a channel's history, as Nakama lists it: {@code forward} oldest first from the
     * beginning, otherwise newest first from the end; a cursor from an earlier page continues it.
     *
     * @param userId       the caller, who must be allowed to read the channel
     * @param channelId    the channel's id as clients write it ({@code 2...lobby})
     * @param limit        1..100
     * @param cursorOrNull a cursor from an earlier page of this listing; null or empty for none
     */
    public ChannelMessageList list(String userId, String channelId, int limit, boolean forward, String cursorOrNull)
            throws ServiceException {
        ChannelId channel;
        try {
            channel = ChannelId.parse(channelId);
        } catch (ChannelId.InvalidChannelException e) {
            throw ServiceException.invalidArgument(e.getMessage());
        }
        access.checkReadable(channel, userId);
        ListLimit.check(limit);
        HistoryPage page;
        try {
            page = history.list(channel.id(), limit, forward,
                    cursorOrNull == null || cursorOrNull.isEmpty() ? null : cursorOrNull);
        } catch (InvalidCursorException e) {
            throw ServiceException.invalidArgument(INVALID_CURSOR);
        }
        ChannelMessageList.Builder list = ChannelMessageList.newBuilder();
        for (StoredChannelMessage message : page.messages()) {
            list.addMessages(ChannelMessages.toApi(message));
        }
        if (page.nextCursor() != null) {
            list.setNextCursor(page.nextCursor());
        }
        if (page.prevCursor() != null) {
            list.setPrevCursor(page.prevCursor());
        }
        if (page.cacheableCursor() != null) {
            list.setCacheableCursor(page.cacheableCursor());
        }
        return list.build();
    }
}
