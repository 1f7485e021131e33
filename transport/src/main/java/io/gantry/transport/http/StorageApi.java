package io.gantry.transport.http;

import com.google.protobuf.Timestamp;
import com.heroiclabs.nakama.api.DeleteStorageObjectId;
import com.heroiclabs.nakama.api.DeleteStorageObjectsRequest;
import com.heroiclabs.nakama.api.ReadStorageObjectId;
import com.heroiclabs.nakama.api.ReadStorageObjectsRequest;
import com.heroiclabs.nakama.api.StorageObjectAck;
import com.heroiclabs.nakama.api.StorageObjectAcks;
import com.heroiclabs.nakama.api.StorageObjectList;
import com.heroiclabs.nakama.api.StorageObjects;
import com.heroiclabs.nakama.api.WriteStorageObject;
import com.heroiclabs.nakama.api.WriteStorageObjectsRequest;
import io.gantry.core.ApiTimes;
import io.gantry.core.ServiceException;
import io.gantry.core.auth.TokenService;
import io.gantry.core.runtime.ApiHooks;
import io.gantry.core.storage.StorageService;
import io.gantry.runtime.ApiCall;
import io.gantry.runtime.HookContext;
import io.gantry.runtime.StorageAck;
import io.gantry.runtime.StorageDelete;
import io.gantry.runtime.StorageListRequest;
import io.gantry.runtime.StorageObject;
import io.gantry.runtime.StorageObjectId;
import io.gantry.runtime.StoragePage;
import io.gantry.runtime.StorageWrite;
import io.netty.handler.codec.http.HttpMethod;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;

/**
 * Storage objects over REST, each call through server code's hooks ({@link ApiHooks}) around one
 * {@link StorageService} call, with a session token:
 * <ul>
 *   <li>{@code PUT /v2/storage} {@code {"objects":[{collection, key, value, version?,
 *       permission_read?, permission_write?}]}}: writes as the caller, all or none; answers
 *       {@code {"acks":[...]}} in the order given, times with microseconds.</li>
 *   <li>{@code POST /v2/storage} {@code {"object_ids":[{collection, key, user_id}]}}: the objects
 *       the caller may read, sorted by collection, key, owner; times in whole seconds.</li>
 *   <li>{@code PUT /v2/storage/delete} {@code {"object_ids":[{collection, key, version?}]}}:
 *       deletes the caller's objects, all or none.</li>
 *   <li>{@code GET /v2/storage/{collection}?user_id=&limit=&cursor=} and
 *       {@code GET /v2/storage/{collection}/{user_id}?limit=&cursor=}: a page of a listing
 *       ({@code limit} 1–100, 1 when absent).</li>
 * </ul>
 * Empty results answer {@code {}}, as Nakama's gateway does.
 *
 * <p>Threads: a call that server code hooked runs on the user-code executor ({@code gantry-rpc}),
 * chosen when the routes are registered; the others on the API executor.
 */
public final class StorageApi {

    private final StorageService storage;
    private final ApiHooks hooks;
    private final Executor userCode;

    /** @param userCode runs the calls server code hooked (the RPC executor) */
    public StorageApi(StorageService storage, ApiHooks hooks, Executor userCode) {
        this.storage = storage;
        this.hooks = hooks;
        this.userCode = userCode;
    }

    public void register(ApiRoutes routes) {
        routes.hookable(HttpMethod.PUT, "/v2/storage", ApiCall.WRITE_STORAGE_OBJECTS, hooks, userCode, this::write);
        routes.hookable(HttpMethod.POST, "/v2/storage", ApiCall.READ_STORAGE_OBJECTS, hooks, userCode, this::read);
        routes.hookable(HttpMethod.PUT, "/v2/storage/delete", ApiCall.DELETE_STORAGE_OBJECTS, hooks, userCode, this::delete);
        routes.hookable(HttpMethod.GET, "/v2/storage/{collection}", ApiCall.LIST_STORAGE_OBJECTS, hooks, userCode, this::list);
        routes.hookable(HttpMethod.GET, "/v2/storage/{collection}/{user_id}", ApiCall.LIST_STORAGE_OBJECTS, hooks, userCode, this::list);
    }

    ApiResponse write(ApiRequest request) throws ApiException, ServiceException {
        WriteStorageObjectsRequest body = request.bodyAs(WriteStorageObjectsRequest.newBuilder()).build();
        String caller = request.caller().userId();
        List<StorageWrite> writes = new ArrayList<>(body.getObjectsCount());
        for (WriteStorageObject o : body.getObjectsList()) {
            writes.add(new StorageWrite(o.getCollection(), o.getKey(), caller, o.getValue(), o.getVersion(),
                    o.hasPermissionRead() ? o.getPermissionRead().getValue() : null,
                    o.hasPermissionWrite() ? o.getPermissionWrite().getValue() : null));
        }
        List<StorageAck> acks = hooks.call(ApiCall.WRITE_STORAGE_OBJECTS, context(request), writes,
                w -> storage.write(caller, w));
        StorageObjectAcks.Builder out = StorageObjectAcks.newBuilder();
        for (StorageAck a : acks) {
            out.addAcks(StorageObjectAck.newBuilder().setCollection(a.collection()).setKey(a.key())
                    .setVersion(a.version()).setUserId(a.userId())
                    .setCreateTime(precise(a.createTime())).setUpdateTime(precise(a.updateTime())));
        }
        return ApiResponse.ok(out.build());
    }

    ApiResponse read(ApiRequest request) throws ApiException, ServiceException {
        ReadStorageObjectsRequest body = request.bodyAs(ReadStorageObjectsRequest.newBuilder()).build();
        List<StorageObjectId> ids = new ArrayList<>(body.getObjectIdsCount());
        for (ReadStorageObjectId id : body.getObjectIdsList()) {
            ids.add(new StorageObjectId(id.getCollection(), id.getKey(), id.getUserId()));
        }
        String caller = request.caller().userId();
        List<StorageObject> objects = hooks.call(ApiCall.READ_STORAGE_OBJECTS, context(request), ids,
                i -> storage.read(caller, i));
        StorageObjects.Builder out = StorageObjects.newBuilder();
        for (StorageObject o : objects) {
            out.addObjects(object(o));
        }
        return ApiResponse.ok(out.build());
    }

    ApiResponse delete(ApiRequest request) throws ApiException, ServiceException {
        DeleteStorageObjectsRequest body = request.bodyAs(DeleteStorageObjectsRequest.newBuilder()).build();
        String caller = request.caller().userId();
        List<StorageDelete> deletes = new ArrayList<>(body.getObjectIdsCount());
        for (DeleteStorageObjectId id : body.getObjectIdsList()) {
            deletes.add(new StorageDelete(id.getCollection(), id.getKey(), caller, id.getVersion()));
        }
        hooks.call(ApiCall.DELETE_STORAGE_OBJECTS, context(request), deletes, d -> {
            storage.delete(caller, d);
            return null;
        });
        return ApiResponse.empty();
    }

    ApiResponse list(ApiRequest request) throws ApiException, ServiceException {
        String userId = request.pathParam("user_id");
        if (userId == null) {
            userId = single(request, "user_id");
        }
        String limitText = single(request, "limit");
        Integer limit = null;
        if (limitText != null && !limitText.isEmpty()) {
            try {
                limit = Integer.parseInt(limitText);
            } catch (NumberFormatException e) {
                // grpc-gateway's words for a query value that is not a number
                throw ApiException.badInput("parsing field \"limit\": strconv.ParseInt: parsing \""
                        + limitText + "\": invalid syntax");
            }
        }
        String cursor = single(request, "cursor");
        StorageListRequest list = new StorageListRequest(userId == null ? "" : userId, request.pathParam("collection"),
                limit, cursor == null ? "" : cursor);
        String caller = request.caller().userId();
        StoragePage page = hooks.call(ApiCall.LIST_STORAGE_OBJECTS, context(request), list, l -> storage.list(caller, l));
        StorageObjectList.Builder out = StorageObjectList.newBuilder().setCursor(page.cursor());
        for (StorageObject o : page.objects()) {
            out.addObjects(object(o));
        }
        return ApiResponse.ok(out.build());
    }

    /** A query parameter given at most once (grpc-gateway refuses repeats of a singular field). */
    private static String single(ApiRequest request, String name) throws ApiException {
        List<String> values = request.queryParams(name);
        if (values.size() > 1) {
            throw ApiException.badInput("too many values for field \"" + name + "\": " + String.join(", ", values));
        }
        return values.isEmpty() ? null : values.get(0);
    }

    private HookContext context(ApiRequest request) {
        return request.hookContext(hooks);
    }

    private static com.heroiclabs.nakama.api.StorageObject object(StorageObject o) {
        return com.heroiclabs.nakama.api.StorageObject.newBuilder()
                .setCollection(o.collection()).setKey(o.key()).setUserId(o.userId()).setValue(o.value())
                .setVersion(o.version()).setPermissionRead(o.permissionRead()).setPermissionWrite(o.permissionWrite())
                .setCreateTime(ApiTimes.ofMillis(o.createTime().toEpochMilli()))
                .setUpdateTime(ApiTimes.ofMillis(o.updateTime().toEpochMilli()))
                .build();
    }

    /** Acks carry the database's microseconds, as Nakama's {@code timestamppb.New(now)} does. */
    private static Timestamp precise(Instant t) {
        return Timestamp.newBuilder().setSeconds(t.getEpochSecond()).setNanos(t.getNano()).build();
    }
}
