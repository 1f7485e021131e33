package io.gantry.persistence;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** {@link FriendStoreContract} against PostgreSQL, plus what an account deletion deletes. */
class PostgresFriendStoreContractTest extends FriendStoreContract {

    private static final StoreOptions OPTIONS = new StoreOptions(false, 4)
            .withCursorKey("a cursor key of thirty-two bytes".getBytes(StandardCharsets.UTF_8));
    private PostgresStore store;
    private String url;

    @Override
    protected FriendStore open() {
        url = PostgresTestServer.shared().freshDatabase();
        store = openOn(url);
        return store.friends();
    }

    private PostgresStore openOn(String database) {
        return PostgresStore.open(new PostgresSettings(database, "postgres", "", 4, 5_000), OPTIONS, clock);
    }

    @Override
    protected FriendStore reopen() {
        store.close();
        store = openOn(url);
        return store.friends();
    }

    @Override
    protected void close() {
        store.close();
    }

    private int rows() {
        return store.db().read(c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT count(*) FROM friend_edges");
                 ResultSet r = s.executeQuery()) {
                r.next();
                return r.getInt(1);
            }
        });
    }

    @Test
    void deleteAllOfRemovesEveryEdgeToAndFromTheUserAndNoOtherEdge() throws Exception {
        friends.add(A, B);
        friends.add(B, A);      // a, b friends
        friends.block(C, A);    // c blocks a: only c → a
        friends.add(A, D);      // a invited d
        friends.add(B, C);      // b invited c: not a's
        assertEquals(7, rows());
        PostgresUserOwned owned = store.userOwned().stream().filter(PostgresFriendStore.class::isInstance)
                .findFirst().orElseThrow();
        store.db().transaction(c -> {
            owned.deleteAllOf(c, A);
            return null;
        });
        assertEquals(2, rows());
        assertEquals(List.of("0c:1"), states(B));
        assertEquals(List.of(), states(D));
        assertEquals(List.of("0b:2"), states(C));
    }
}
