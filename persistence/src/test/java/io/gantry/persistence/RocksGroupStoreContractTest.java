package io.gantry.persistence;

import io.gantry.persistence.GroupStore.Filter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatch;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import static io.gantry.persistence.GroupStore.ALL_BUT_BANNED;
import static io.gantry.persistence.GroupStore.BANNED;
import static io.gantry.persistence.GroupStore.MEMBER;
import static io.gantry.persistence.GroupStore.NONE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link GroupStoreContract} against RocksDB, plus what the store's own account deletion does to groups. */
class RocksGroupStoreContractTest extends GroupStoreContract {

    private static final List<StoreColumnFamily> EDGE_FAMILIES = List.of(StoreColumnFamily.GROUP_EDGES,
            StoreColumnFamily.GROUP_USERS, StoreColumnFamily.USER_GROUPS);

    @TempDir
    Path dataDir;
    private RocksStore store;

    /** Whether the store syncs its writes (the production default); a subclass runs the suite with it on. */
    protected boolean syncWrites() {
        return false;
    }

    @Override
    protected GroupStore open() {
        store = RocksStore.open(dataDir, new StoreOptions(syncWrites(), 4)
                .withCursorKey("a cursor key of thirty-two bytes".getBytes(StandardCharsets.UTF_8)), clock);
        return store.groups();
    }

    @Override
    protected GroupStore reopen() {
        store.close();
        return open();
    }

    @Override
    protected void close() {
        store.close();
    }

    /** As the account deletion does it: every part's lock held, its deletions in one batch. */
    @Override
    protected void deleteUser(String userId) {
        RocksUserOwned owned = store.userOwned().stream().filter(RocksGroupStore.class::isInstance)
                .findFirst().orElseThrow();
        owned.writeLock().lock();
        try (WriteBatch batch = new WriteBatch()) {
            owned.deleteAllOf(userId, batch);
            store.db().write(store.writeOptions(), batch);
        } catch (org.rocksdb.RocksDBException e) {
            throw new StoreException("delete", e);
        } finally {
            owned.writeLock().unlock();
        }
    }

    private int entries(StoreColumnFamily cf) {
        int n = 0;
        try (RocksIterator it = store.db().newIterator(store.handle(cf))) {
            for (it.seekToFirst(); it.isValid(); it.next()) {
                n++;
            }
        }
        return n;
    }

    @Test
    void deletingAnAccountThroughTheStoreDeletesItsGroupEdgesInTheSameWrite() throws Exception {
        String owner = store.accounts().createWithDevice("device-owner-0001", null).account().getId();
        String member = store.accounts().createWithDevice("device-member-001", null).account().getId();
        groups.create(group(G1, owner, "Owned"));
        set(G1, member, MEMBER);
        groups.create(group(G2, member, "Theirs"));
        set(G2, owner, BANNED);
        assertEquals(4, entries(StoreColumnFamily.GROUP_EDGES));

        assertTrue(store.deleteUser(owner));

        assertTrue(groups.get(G1).isEmpty(), "the owner was its only superadmin");
        assertEquals(NONE, groups.state(G1, member));
        assertEquals(NONE, groups.state(G2, owner));
        assertEquals(List.of("g2:0"), userGroups(member, ALL_BUT_BANNED));
        for (StoreColumnFamily cf : EDGE_FAMILIES) {
            assertEquals(1, entries(cf), cf.name());
        }
        assertEquals(1, entries(StoreColumnFamily.GROUPS));
        assertEquals(1, entries(StoreColumnFamily.GROUP_NAMES));
        assertEquals(1, entries(StoreColumnFamily.GROUP_NAME_ORDER));
    }

    @Test
    void aDeletedGroupLeavesNoKeyBehind() throws Exception {
        groups.create(group(G1, A, "Gone"));
        set(G1, B, MEMBER);
        set(G1, C, BANNED);
        groups.change(G1, m -> {
            m.update(m.group().toBuilder().setName("Renamed").build());
            return null;
        });
        groups.change(G1, m -> {
            m.delete();
            return null;
        });
        for (StoreColumnFamily cf : List.of(StoreColumnFamily.GROUPS, StoreColumnFamily.GROUP_NAMES,
                StoreColumnFamily.GROUP_NAME_ORDER, StoreColumnFamily.GROUP_EDGES, StoreColumnFamily.GROUP_USERS,
                StoreColumnFamily.USER_GROUPS)) {
            assertEquals(0, entries(cf), cf.name());
        }
        assertTrue(groups.list(Filter.NONE, 10, null).groups().isEmpty());
    }
}
