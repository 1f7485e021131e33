package io.gantry.persistence;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.List;

import static io.gantry.persistence.GroupStore.ALL_BUT_BANNED;
import static io.gantry.persistence.GroupStore.BANNED;
import static io.gantry.persistence.GroupStore.MEMBER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link GroupStoreContract} against PostgreSQL, plus what is particular to its tables. */
class PostgresGroupStoreContractTest extends GroupStoreContract {

    private String url;
    private PostgresStore store;

    @Override
    protected GroupStore open() {
        url = PostgresTestServer.shared().freshDatabase();
        return connect();
    }

    private GroupStore connect() {
        store = PostgresStore.open(new PostgresSettings(url, "postgres", "", 8, 5_000), new StoreOptions(false, 4)
                .withCursorKey("a cursor key of thirty-two bytes".getBytes(StandardCharsets.UTF_8)), clock);
        return store.groups();
    }

    @Override
    protected GroupStore reopen() {
        store.close();
        return connect();
    }

    @Override
    protected void close() {
        store.close();
    }

    /** As the account deletion does it: in one transaction with the account's own rows. */
    @Override
    protected void deleteUser(String userId) {
        PostgresUserOwned owned = store.userOwned().stream().filter(PostgresGroupStore.class::isInstance)
                .findFirst().orElseThrow();
        store.db().transaction(c -> {
            owned.deleteAllOf(c, userId);
            return null;
        });
    }

    private long rows(String table) {
        return store.db().read(c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT count(*) FROM " + table);
                 ResultSet r = s.executeQuery()) {
                r.next();
                return r.getLong(1);
            }
        });
    }

    @Test
    void aDeletedGroupLeavesNoRowBehind() throws Exception {
        groups.create(group(G1, A, "Gone"));
        set(G1, B, MEMBER);
        set(G1, C, BANNED);
        groups.create(group(G2, B, "Stays"));
        groups.change(G1, m -> {
            m.update(m.group().toBuilder().setName("Renamed").build());
            return null;
        });
        groups.change(G1, m -> {
            m.delete();
            return null;
        });
        assertEquals(1, rows("groups"));
        assertEquals(1, rows("group_edges"));
        assertEquals(List.of("g2:0"), userGroups(B, ALL_BUT_BANNED));
    }

    @Test
    void aNameWithANulCharacterIsRefusedAndAPatternWithOneMatchesNothing() throws Exception {
        groups.create(group(G1, A, "Knights"));
        assertThrows(IllegalArgumentException.class, () -> groups.create(group(G2, A, "Kni\0ghts")));
        assertThrows(IllegalArgumentException.class, () -> groups.change(G1, m -> {
            m.update(m.group().toBuilder().setName("a\0b").build());
            return null;
        }));
        assertEquals("Knights", groups.get(G1).orElseThrow().getName());
        assertTrue(groups.list(new GroupStore.Filter("kni\0%", null, null, null), 10, null).groups().isEmpty());
    }
}
