package io.gantry.persistence;

import io.gantry.persistence.StorageStore.Write;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** {@link StorageStoreContract} against PostgreSQL, plus what an account deletion deletes. */
class PostgresStorageStoreContractTest extends StorageStoreContract {

    private static final StoreOptions OPTIONS = new StoreOptions(false, 4)
            .withCursorKey("a cursor key of thirty-two bytes".getBytes(StandardCharsets.UTF_8));
    private PostgresStore store;
    private String url;

    @Override
    protected StorageStore open() {
        url = PostgresTestServer.shared().freshDatabase();
        store = openOn(url);
        return store.storage();
    }

    private PostgresStore openOn(String database) {
        return PostgresStore.open(new PostgresSettings(database, "postgres", "", 4, 5_000), OPTIONS, clock);
    }

    @Override
    protected StorageStore reopen() {
        store.close();
        store = openOn(url);
        return store.storage();
    }

    @Override
    protected void close() {
        store.close();
    }

    private int rows() {
        return store.db().read(c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT count(*) FROM storage_objects");
                 ResultSet r = s.executeQuery()) {
                r.next();
                return r.getInt(1);
            }
        });
    }

    @Test
    void deleteAllOfRemovesEveryObjectOfOneUserAndNothingOfAnothers() throws Exception {
        storage.write(List.of(new Write("a", "k1", ALICE, "{}", "", 0, 1), new Write("a", "k2", ALICE, "{}", "", 2, 0),
                new Write("b", "k1", ALICE, "{}", "", 1, 1), new Write("a", "k1", BOB, "{}", "", 2, 1),
                new Write("b", "k9", CAROL, "{}", "", 1, 1)), false);
        assertEquals(5, rows());
        PostgresUserOwned owned = store.userOwned().stream().filter(PostgresStorageStore.class::isInstance)
                .findFirst().orElseThrow();
        store.db().transaction(c -> {
            owned.deleteAllOf(c, ALICE);
            return null;
        });
        assertEquals(2, rows());
        assertEquals(List.of(), storage.list("a", ALICE, 0, 100, "").objects());
        assertEquals(1, storage.list("a", null, 0, 100, "").objects().size());
        assertEquals(1, storage.list("b", CAROL, 0, 100, "").objects().size());
    }
}
