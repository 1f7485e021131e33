package io.gantry.transport.http;

import com.heroiclabs.nakama.api.NotificationList;
import io.gantry.core.notification.NotificationService;
import io.gantry.persistence.InvalidCursorException;
import io.gantry.persistence.NotificationPage;
import io.gantry.persistence.NotificationStore;
import io.gantry.proto.storage.StoredNotification;
import io.netty.handler.codec.http.HttpMethod;

import java.util.ArrayList;
import java.util.List;

/**
 * The caller's persistent notifications, read and deleted straight in the store:
 * <ul>
 *   <li>{@code GET /v2/notification?limit=&cacheable_cursor=}: oldest first, {@code limit}
 *       1–100 (Nakama's default is 1), and a {@code cacheable_cursor} to keep: listing with it
 *       later returns only newer notifications. {@code cursor} is accepted for
 *       {@code cacheable_cursor}. A cursor this server did not make for this user is a 400.</li>
 *   <li>{@code DELETE /v2/notification?ids=a&ids=b}: deletes those of the caller's own
 *       notifications; other users' and unknown ids are ignored, as in Nakama.</li>
 * </ul>
 */
public final class NotificationApi {

    /** More ids than this in one delete is a 400: a page is at most 100, so it is generous. */
    static final int MAX_DELETE_IDS = 1000;

    private final NotificationStore notifications;

    public NotificationApi(NotificationStore notifications) {
        this.notifications = notifications;
    }

    public void register(ApiRoutes routes) {
        routes.add(HttpMethod.GET, "/v2/notification", AuthMode.SESSION, this::list)
                .add(HttpMethod.DELETE, "/v2/notification", AuthMode.SESSION, this::delete);
    }

    ApiResponse list(ApiRequest request) throws ApiException {
        int limit = request.queryLimit();
        String cursor = request.queryParam("cacheable_cursor");
        if (cursor == null || cursor.isEmpty()) {
            cursor = request.queryParam("cursor");
        }
        NotificationPage page;
        try {
            page = notifications.list(request.caller().userId(), limit, cursor == null || cursor.isEmpty() ? null : cursor);
        } catch (InvalidCursorException e) {
            throw ApiException.badInput("Malformed cursor was used.");
        }
        NotificationList.Builder list = NotificationList.newBuilder();
        for (StoredNotification stored : page.notifications()) {
            list.addNotifications(NotificationService.toApi(stored));
        }
        if (page.cacheableCursor() != null) {
            list.setCacheableCursor(page.cacheableCursor());
        }
        return ApiResponse.ok(list.build());
    }

    ApiResponse delete(ApiRequest request) throws ApiException {
        List<String> ids = new ArrayList<>();
        for (String value : request.queryParams("ids")) {
            // Also accept a comma-separated list in one parameter.
            for (String id : value.split(",")) {
                if (!id.isBlank()) {
                    ids.add(id.trim());
                }
            }
        }
        if (ids.size() > MAX_DELETE_IDS) {
            throw ApiException.badInput("Too many notification ids: at most " + MAX_DELETE_IDS + " per request.");
        }
        notifications.delete(request.caller().userId(), ids);
        return ApiResponse.empty();
    }
}
