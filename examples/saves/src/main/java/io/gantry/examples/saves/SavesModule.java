package io.gantry.examples.saves;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.gantry.runtime.ApiCall;
import io.gantry.runtime.ErrorCode;
import io.gantry.runtime.GantryModule;
import io.gantry.runtime.RefusedException;
import io.gantry.runtime.Registrar;
import io.gantry.runtime.StorageObject;
import io.gantry.runtime.StoragePage;
import io.gantry.runtime.StorageWrite;

import java.util.ArrayList;
import java.util.List;

/**
 * Saved games in storage objects, kept honest by the server:
 * <ul>
 *   <li>a before hook on clients' storage writes refuses a save (collection {@value #COLLECTION})
 *       whose value has no whole-number {@code "level"} from 1 to 100, with a 400 the client
 *       sees, and makes every save private to its owner and written by clients only through this
 *       hook (read permission 1, write permission 1), whatever the client asked for;</li>
 *   <li>the RPC {@value #RPC_BEST_LEVEL} answers {@code {"best_level": n}}, the highest level among
 *       the caller's saves, read with the server's own storage API.</li>
 * </ul>
 * With nakama-js:
 * <pre>{@code
 * await client.writeStorageObjects(session, [{collection: "saves", key: "slot1", value: {level: 3}}]);
 * await client.writeStorageObjects(session, [{collection: "saves", key: "slot2", value: {}}]);
 * //   → rejected: 400 {"code":3,"message":"A save needs a whole-number level from 1 to 100."}
 * const { payload } = await client.rpc(session, "saves_best_level", {});   // {best_level: 3}
 * }</pre>
 * Drop the jar into the server's modules folder, or {@code Gantry.builder().module(new SavesModule())}.
 */
public final class SavesModule implements GantryModule {

    public static final String COLLECTION = "saves";
    public static final String RPC_BEST_LEVEL = "saves_best_level";
    static final String BAD_LEVEL = "A save needs a whole-number level from 1 to 100.";

    @Override
    public void register(Registrar registrar) {
        registrar.before(ApiCall.WRITE_STORAGE_OBJECTS, (ctx, writes) -> checked(writes))
                .rpc(RPC_BEST_LEVEL, (ctx, payload) -> "{\"best_level\":" + bestLevel(ctx.server().storage(), ctx.userId()) + "}");
    }

    /** The writes as the server should make them: saves checked and made private; other objects as they are. */
    static List<StorageWrite> checked(List<StorageWrite> writes) {
        List<StorageWrite> result = new ArrayList<>(writes.size());
        for (StorageWrite write : writes) {
            if (!COLLECTION.equals(write.collection())) {
                result.add(write);
                continue;
            }
            if (level(write.value()) < 0) {
                throw new RefusedException(ErrorCode.INVALID_ARGUMENT, BAD_LEVEL);
            }
            result.add(new StorageWrite(write.collection(), write.key(), write.userId(), write.value(),
                    write.version(), 1, 1));
        }
        return result;
    }

    /** The save's level, or -1 when the value has none from 1 to 100. */
    static int level(String value) {
        try {
            JsonElement parsed = JsonParser.parseString(value);
            if (!parsed.isJsonObject()) {
                return -1;
            }
            JsonObject save = parsed.getAsJsonObject();
            JsonElement level = save.get("level");
            if (level == null || !level.isJsonPrimitive() || !level.getAsJsonPrimitive().isNumber()) {
                return -1;
            }
            double number = level.getAsDouble();
            if (number != Math.rint(number) || number < 1 || number > 100) {
                return -1;
            }
            return (int) number;
        } catch (RuntimeException e) {
            return -1;
        }
    }

    private static int bestLevel(io.gantry.runtime.Storage storage, String userId) {
        int best = 0;
        String cursor = "";
        do {
            StoragePage page = storage.list(userId, COLLECTION, 100, cursor);
            for (StorageObject save : page.objects()) {
                best = Math.max(best, level(save.value()));
            }
            cursor = page.cursor();
        } while (!cursor.isEmpty());
        return best;
    }
}
