package io.gantry.persistence;

import io.gantry.persistence.GroupStore.Filter;
import io.gantry.proto.storage.DumpRecord;
import io.gantry.proto.storage.StoredAccount;
import io.gantry.proto.storage.StoredGroup;
import io.gantry.proto.storage.StoredGroupEdge;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static io.gantry.persistence.GroupStore.ADMIN;
import static io.gantry.persistence.GroupStore.ALL_BUT_BANNED;
import static io.gantry.persistence.GroupStore.BANNED;
import static io.gantry.persistence.GroupStore.JOIN_REQUEST;
import static io.gantry.persistence.GroupStore.MEMBER;
import static io.gantry.persistence.GroupStore.SUPERADMIN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Groups and their edges move between the RocksDB and the PostgreSQL store unchanged, both ways:
 * filled through the public API on one, exported, imported into the other, exported again, the
 * records are the same (ids, names, counts, times, states, positions), and the imported store
 * answers listings and further changes as the original does.
 */
class GroupTransferTest {

    private static final String A = "00000000-0000-4000-8000-00000000000a";
    private static final String B = "00000000-0000-4000-8000-00000000000b";
    private static final String C = "00000000-0000-4000-8000-00000000000c";
    private static final String D = "00000000-0000-4000-8000-00000000000d";
    private static final String E = "00000000-0000-4000-8000-00000000000e";
    private static final String G1 = "10000000-0000-4000-8000-000000000001";
    private static final String G2 = "10000000-0000-4000-8000-000000000002";
    private static final String G3 = "10000000-0000-4000-8000-000000000003";
    private static final String G4 = "10000000-0000-4000-8000-000000000004";

    @TempDir
    Path dataDir;
    private final MutableClock clock = new MutableClock(Instant.parse("2026-03-04T05:06:07.891011Z"));
    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void closeStores() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    private RocksStore rocks(String dir) {
        RocksStore store = RocksStore.open(dataDir.resolve(dir), new StoreOptions(false, 4), clock);
        open.add(store);
        return store;
    }

    private PostgresStore postgres() {
        PostgresStore store = PostgresStores.fresh(clock);
        open.add(store);
        return store;
    }

    private static StoredGroup group(String id, String creator, String name) {
        return StoredGroup.newBuilder().setId(id).setCreatorId(creator).setName(name).setDescription("about " + name)
                .setLangTag("en").setMetadata("{\"k\": [1, 2.50, \"é\"]}").setAvatarUrl("https://a/" + name)
                .setOpen(true).setMaxCount(100).build();
    }

    private void set(GroupStore groups, String groupId, String userId, int state) {
        clock.advance(Duration.ofMillis(3));
        groups.change(groupId, m -> {
            m.setState(userId, state);
            return null;
        });
    }

    /** Groups in every shape an export meets: renamed, closed, deleted, edges in every state, a ban re-inserted. */
    private void fill(GroupStore groups) {
        groups.create(group(G1, A, "Knights"));
        groups.create(group(G2, B, "knights of ni").toBuilder().setOpen(false).setLangTag("fr").build());
        groups.create(group(G3, C, "Gone"));
        groups.create(group(G4, A, "Ünïcode Ħall"));
        set(groups, G1, B, MEMBER);
        set(groups, G1, C, ADMIN);
        set(groups, G1, D, JOIN_REQUEST);
        set(groups, G1, E, BANNED);
        set(groups, G2, A, MEMBER);
        set(groups, G2, C, SUPERADMIN);
        set(groups, G1, B, BANNED);
        set(groups, G1, B, MEMBER);
        set(groups, G3, A, MEMBER);
        clock.advance(Duration.ofSeconds(1));
        groups.change(G2, m -> {
            m.update(m.group().toBuilder().setName("Knights Of Ni").setDescription("renamed").build());
            return null;
        });
        groups.change(G3, m -> {
            m.delete();
            return null;
        });
        set(groups, G4, D, MEMBER);
    }

    private static List<DumpRecord> export(GroupStore groups) {
        List<DumpRecord> out = new ArrayList<>();
        ((StoreTransfer) groups).exportTo(out::add);
        return out;
    }

    /** What a client sees of the groups: every listing, in order. */
    private static List<String> seen(GroupStore groups) throws InvalidCursorException {
        List<String> out = new ArrayList<>();
        for (String g : List.of(G1, G2, G3, G4)) {
            out.add(g + " " + groups.get(g).map(StoredGroup::toString).orElse("none"));
            for (int state : new int[]{ALL_BUT_BANNED, BANNED}) {
                groups.listUsers(g, state, 100, null).members().forEach(m -> out.add(m.toString()));
            }
        }
        for (String u : List.of(A, B, C, D, E)) {
            groups.listUserGroups(u, ALL_BUT_BANNED, 100, null).members().forEach(m -> out.add(m.toString()));
        }
        groups.list(Filter.NONE, 100, null).groups().forEach(g -> out.add("by name " + g.getId()));
        groups.list(new Filter("kn%", null, null, null), 100, null).groups().forEach(g -> out.add("kn% " + g.getId()));
        groups.list(new Filter(null, null, null, 100), 100, null).groups().forEach(g -> out.add("by count " + g.getId()));
        return out;
    }

    private void assertRoundTrip(GroupStore from, GroupStore to) throws Exception {
        fill(from);
        List<DumpRecord> exported = export(from);
        assertEquals(3, exported.stream().filter(DumpRecord::hasGroup).count());
        assertEquals(10, exported.stream().filter(DumpRecord::hasGroupEdge).count());
        assertTrue(exported.stream().allMatch(((StoreTransfer) to)::accepts));

        ((StoreTransfer) to).importRecords(exported);

        assertEquals(exported, export(to), "the same records, as stored");
        assertEquals(seen(from), seen(to), "the same listings");
        clock.advance(Duration.ofSeconds(1));
        for (GroupStore groups : List.of(from, to)) {
            groups.change(G1, m -> {
                m.setState("00000000-0000-4000-8000-0000000000ff", MEMBER);
                return null;
            });
        }
        assertEquals(seen(from), seen(to), "the same join after the import, the same listings");
        List<String> lastMember = to.listUsers(G1, MEMBER, 100, null).members().stream()
                .map(GroupStore.Member::userId).toList();
        assertEquals("00000000-0000-4000-8000-0000000000ff", lastMember.get(lastMember.size() - 1),
                "a join after the import goes to the end of the list");
        assertThrows(GroupNameTakenException.class, () -> to.create(group(G3, D, "Knights Of Ni")));
        assertEquals(4, to.get(G1).orElseThrow().getEdgeCount());
    }

    @Test
    void rocksToPostgresAndBackGivesTheSameRecords() throws Exception {
        assertRoundTrip(rocks("from").groups(), postgres().groups());
    }

    @Test
    void postgresToRocksGivesTheSameRecords() throws Exception {
        assertRoundTrip(postgres().groups(), rocks("to").groups());
    }

    @Test
    void aBadImportIsRefusedWhole() throws Exception {
        for (GroupStore groups : List.of(rocks("bad").groups(), postgres().groups())) {
            StoreTransfer transfer = (StoreTransfer) groups;
            StoredGroup one = group(G1, A, "One").toBuilder().setEdgeCount(1).setCreateTimeUs(5).setUpdateTimeUs(6).build();
            DumpRecord edge = DumpRecord.newBuilder().setGroupEdge(StoredGroupEdge.newBuilder().setGroupId(G1)
                    .setUserId(A).setState(SUPERADMIN).setPosition(5).setUpdateTimeUs(5)).build();
            DumpRecord account = DumpRecord.newBuilder().setAccount(StoredAccount.newBuilder().setId(A)).build();
            assertThrows(IllegalArgumentException.class, () -> transfer.importRecords(List.of(
                    DumpRecord.newBuilder().setGroup(one).build(), edge, account)), "a record of another kind");
            assertThrows(GroupNameTakenException.class, () -> transfer.importRecords(List.of(
                    DumpRecord.newBuilder().setGroup(one).build(), edge,
                    DumpRecord.newBuilder().setGroup(one.toBuilder().setId(G2)).build())), "a name twice");
            assertTrue(groups.get(G1).isEmpty(), "nothing of a refused import");
            assertEquals(-1, groups.state(G1, A));
            assertEquals(List.of(), export(groups));
        }
    }
}
