package io.gantry.transport.http;

import com.heroiclabs.nakama.api.ChannelMessageList;
import io.gantry.core.channel.ChannelId;
import io.gantry.core.channel.ChannelMessages;
import io.gantry.persistence.HistoryPage;
import io.gantry.persistence.HistoryStore;
import io.gantry.persistence.InvalidCursorException;
import io.gantry.proto.storage.StoredChannelMessage;
import io.netty.handler.codec.http.HttpMethod;

/**
 * {@code GET /v2/channel/{channel_id}?limit=&forward=&cursor=}: a page of a channel's history,
 * read straight from the store. Rooms are readable by any user, a direct message only by its two
 * users (anyone else gets Nakama's 400 "Channel not found."). Cursors are opaque and signed: a forged one is a 400.
 */
public final class ChannelApi {

    private final HistoryStore history;

    public ChannelApi(HistoryStore history) {
        this.history = history;
    }

    public void register(ApiRoutes routes) {
        routes.add(HttpMethod.GET, "/v2/channel/{channel_id}", AuthMode.SESSION, this::list);
    }

    ApiResponse list(ApiRequest request) throws ApiException {
        ChannelId channel;
        try {
            channel = ChannelId.parse(request.pathParam("channel_id"));
        } catch (ChannelId.InvalidChannelException e) {
            throw ApiException.badInput(e.getMessage());
        }
        if (channel.mode() == io.gantry.core.tracker.Stream.MODE_GROUP) {
            throw ApiException.badInput("Group channels are not available: this server has no groups yet.");
        }
        if (!channel.readableBy(request.caller().userId())) {
            // Nakama answers a direct message's outsider as if the channel did not exist: 400, code 3.
            throw ApiException.badInput("Channel not found.");
        }
        int limit = request.queryLimit();
        boolean forward = request.queryBoolean("forward", true);
        String cursor = request.queryParam("cursor");
        HistoryPage page;
        try {
            page = history.list(channel.id(), limit, forward, cursor == null || cursor.isEmpty() ? null : cursor);
        } catch (InvalidCursorException e) {
            throw ApiException.badInput("Cursor is invalid or expired.");
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
        return ApiResponse.ok(list.build());
    }
}
