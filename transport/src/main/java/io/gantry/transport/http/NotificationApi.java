package io.gantry.transport.http;

import io.gantry.core.ServiceException;
import io.gantry.core.notification.NotificationInbox;
import io.netty.handler.codec.http.HttpMethod;

import java.util.ArrayList;
import java.util.List;

/**
 * The caller's persistent notifications, through {@link NotificationInbox}:
 * <ul>
 *   <li>{@code GET /v2/notification?limit=&cacheable_cursor=}: oldest first, {@code limit}
 *       1–100 (Nakama's default is 1), and a {@code cacheable_cursor} to keep: listing with it
 *       later returns only newer notifications. {@code cursor} is accepted for
 *       {@code cacheable_cursor}.</li>
 *   <li>{@code DELETE /v2/notification?ids=a&ids=b} (or {@code ids=a,b}): deletes those of the
 *       caller's own notifications.</li>
 * </ul>
 */
public final class NotificationApi {

    private final NotificationInbox inbox;

    public NotificationApi(NotificationInbox inbox) {
        this.inbox = inbox;
    }

    public void register(ApiRoutes routes) {
        routes.add(HttpMethod.GET, "/v2/notification", AuthMode.SESSION, ApiHandler.of(this::list))
                .add(HttpMethod.DELETE, "/v2/notification", AuthMode.SESSION, ApiHandler.of(this::delete));
    }

    ApiResponse list(ApiRequest request) throws ApiException, ServiceException {
        int limit = request.queryLimit();
        String cursor = request.queryParam("cacheable_cursor");
        if (cursor == null || cursor.isEmpty()) {
            cursor = request.queryParam("cursor");
        }
        return ApiResponse.ok(inbox.list(request.caller().userId(), limit, cursor));
    }

    ApiResponse delete(ApiRequest request) throws ServiceException {
        List<String> ids = new ArrayList<>();
        for (String value : request.queryParams("ids")) {
            // Also accept a comma-separated list in one parameter.
            for (String id : value.split(",")) {
                if (!id.isBlank()) {
                    ids.add(id.trim());
                }
            }
        }
        inbox.delete(request.caller().userId(), ids);
        return ApiResponse.empty();
    }
}
