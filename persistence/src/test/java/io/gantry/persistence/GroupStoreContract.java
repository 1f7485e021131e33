package io.gantry.persistence;

import io.gantry.persistence.GroupStore.Filter;
import io.gantry.persistence.GroupStore.GroupPage;
import io.gantry.persistence.GroupStore.Member;
import io.gantry.persistence.GroupStore.MemberPage;
import io.gantry.persistence.GroupStore.Membership;
import io.gantry.proto.storage.StoredGroup;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static io.gantry.persistence.GroupStore.ADMIN;
import static io.gantry.persistence.GroupStore.ALL_BUT_BANNED;
import static io.gantry.persistence.GroupStore.BANNED;
import static io.gantry.persistence.GroupStore.JOIN_REQUEST;
import static io.gantry.persistence.GroupStore.MEMBER;
import static io.gantry.persistence.GroupStore.NONE;
import static io.gantry.persistence.GroupStore.SUPERADMIN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What every {@link GroupStore} must do: a creator who is superadmin, unique case-sensitive names,
 * atomic changes whose edge count follows the edges, listings in Nakama's orders with cursors bound
 * to what they list, the ILIKE name filter, an account deletion's effect on groups, and counts that
 * never drift under concurrent changes. One subclass per implementation opens a fresh store on
 * {@link #clock}.
 */
abstract class GroupStoreContract {

    static final String A = "00000000-0000-4000-8000-00000000000a";
    static final String B = "00000000-0000-4000-8000-00000000000b";
    static final String C = "00000000-0000-4000-8000-00000000000c";
    static final String D = "00000000-0000-4000-8000-00000000000d";
    static final String E = "00000000-0000-4000-8000-00000000000e";
    static final String G1 = "10000000-0000-4000-8000-000000000001";
    static final String G2 = "10000000-0000-4000-8000-000000000002";
    static final String G3 = "10000000-0000-4000-8000-000000000003";
    static final String G4 = "10000000-0000-4000-8000-000000000004";
    static final String G5 = "10000000-0000-4000-8000-000000000005";
    static final Instant T0 = Instant.parse("2026-01-02T03:04:05.123456Z");

    protected final MutableClock clock = new MutableClock(T0);
    protected GroupStore groups;

    protected abstract GroupStore open();

    protected abstract GroupStore reopen();

    protected abstract void close();

    /** Deletes the user's account as the store's account deletion does (its group edges with it). */
    protected abstract void deleteUser(String userId);

    @BeforeEach
    void openStore() {
        groups = open();
    }

    @AfterEach
    void closeStore() {
        close();
    }

    static StoredGroup group(String id, String creator, String name) {
        return StoredGroup.newBuilder().setId(id).setCreatorId(creator).setName(name).setLangTag("en")
                .setMetadata("{}").setOpen(true).setMaxCount(100).build();
    }

    static long micros(Instant t) {
        return t.getEpochSecond() * 1_000_000L + t.getNano() / 1_000;
    }

    /** Short names: a user's last two hex digits, a group's last one. */
    static String shortId(String id) {
        return id.startsWith("1") ? "g" + id.substring(35) : id.substring(34);
    }

    /** "user:state" of the group's users in {@code state}, all pages at once. */
    List<String> users(String groupId, int state) throws InvalidCursorException {
        List<String> out = new ArrayList<>();
        for (Member m : groups.listUsers(groupId, state, 1000, null).members()) {
            assertEquals(groupId, m.groupId());
            out.add(shortId(m.userId()) + ":" + m.state());
        }
        return out;
    }

    /** "group:state" of the user's groups in {@code state}. */
    List<String> userGroups(String userId, int state) throws InvalidCursorException {
        List<String> out = new ArrayList<>();
        for (Member m : groups.listUserGroups(userId, state, 1000, null).members()) {
            assertEquals(userId, m.userId());
            out.add(shortId(m.groupId()) + ":" + m.state());
        }
        return out;
    }

    int count(String groupId) {
        return groups.get(groupId).orElseThrow().getEdgeCount();
    }

    void set(String groupId, String userId, int state) {
        groups.change(groupId, m -> {
            if (state == NONE) {
                m.remove(userId);
            } else {
                m.setState(userId, state);
            }
            return null;
        });
    }

    // ---- create ----

    @Test
    void aNewGroupHasItsCreatorAsSuperadminAndAnEdgeCountOfOne() throws Exception {
        StoredGroup created = groups.create(group(G1, A, "Knights").toBuilder().setEdgeCount(50)
                .setCreateTimeUs(7).setUpdateTimeUs(8).build());
        assertEquals(1, created.getEdgeCount());
        assertEquals(micros(T0), created.getCreateTimeUs());
        assertEquals(micros(T0), created.getUpdateTimeUs());
        assertEquals("Knights", created.getName());
        assertEquals(created, groups.get(G1).orElseThrow());
        assertEquals(SUPERADMIN, groups.state(G1, A));
        assertEquals(NONE, groups.state(G1, B));
        assertEquals(List.of("0a:0"), users(G1, ALL_BUT_BANNED));
        assertEquals(List.of("g1:0"), userGroups(A, ALL_BUT_BANNED));
        Member edge = groups.listUsers(G1, SUPERADMIN, 10, null).members().get(0);
        assertEquals(T0, edge.updateTime());
    }

    @Test
    void aTakenNameIsRefusedAndNothingIsWrittenButNamesDifferingInCaseCoexist() throws Exception {
        groups.create(group(G1, A, "Knights"));
        assertThrows(GroupNameTakenException.class, () -> groups.create(group(G2, B, "Knights")));
        assertTrue(groups.get(G2).isEmpty());
        assertEquals(NONE, groups.state(G2, B));
        assertEquals(List.of(), userGroups(B, ALL_BUT_BANNED));
        assertEquals(List.of("Knights"), names(groups.list(Filter.NONE, 10, null)));

        groups.create(group(G2, B, "knights"));
        assertEquals("knights", groups.get(G2).orElseThrow().getName());
        assertThrows(IllegalArgumentException.class, () -> groups.create(group(G1, C, "Other")), "an id in use");
        assertTrue(groups.list(new Filter("other", null, null, null), 10, null).groups().isEmpty());
        assertThrows(IllegalArgumentException.class, () -> groups.create(group(G3, C, "")), "no name");
        assertThrows(IllegalArgumentException.class, () -> groups.create(group("nope", C, "x")));
    }

    // ---- change ----

    static Stream<Arguments> transitions() {
        return IntStream.rangeClosed(NONE, BANNED).boxed()
                .flatMap(from -> IntStream.rangeClosed(NONE, BANNED).mapToObj(to -> Arguments.of(from, to)));
    }

    static int counted(int state) {
        return state >= SUPERADMIN && state <= MEMBER ? 1 : 0;
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("transitions")
    void everyStateTransitionMovesTheEdgeCountByTheStatesEnteringOrLeavingZeroToTwo(int from, int to) throws Exception {
        groups.create(group(G1, A, "Knights"));
        set(G1, B, from);
        assertEquals(1 + counted(from), count(G1));
        StoredGroup before = groups.get(G1).orElseThrow();
        clock.advance(Duration.ofSeconds(1));

        set(G1, B, to);

        StoredGroup after = groups.get(G1).orElseThrow();
        assertEquals(1 + counted(to), after.getEdgeCount());
        assertEquals(to, groups.state(G1, B));
        long expectedUpdate = counted(from) != counted(to) ? micros(clock.instant()) : before.getUpdateTimeUs();
        assertEquals(expectedUpdate, after.getUpdateTimeUs(), "the update time moves with the edge count only");
        for (int state = SUPERADMIN; state <= BANNED; state++) {
            assertEquals(state == to, users(G1, state).contains("0b:" + state), "group's list of state " + state);
        }
        List<String> expectedGroups = to == NONE || to == BANNED ? List.of() : List.of("g1:" + to);
        assertEquals(expectedGroups, userGroups(B, ALL_BUT_BANNED), "user's list");
    }

    @Test
    void theViewSeesTheChangesOwnWritesAndItsPendingEdgeCount() throws Exception {
        groups.create(group(G1, A, "Knights"));
        clock.advance(Duration.ofSeconds(1));
        set(G1, B, MEMBER);
        clock.advance(Duration.ofSeconds(1));
        set(G1, C, MEMBER);
        clock.advance(Duration.ofSeconds(1));
        List<String> seen = groups.change(G1, m -> {
            List<String> out = new ArrayList<>();
            m.setState(D, MEMBER);
            m.remove(B);
            m.setState(E, JOIN_REQUEST);
            m.remove(E);
            m.setState(C, MEMBER);   // the state it has: changes nothing
            out.add(String.join(",", m.usersIn(MEMBER).stream().map(GroupStoreContract::shortId).toList()));
            out.add(m.state(D) + "/" + m.state(B) + "/" + m.state(E) + "/" + m.state(A));
            out.add(String.valueOf(m.group().getEdgeCount()));
            return out;
        });
        assertEquals(List.of("0c,0d", "2/-1/-1/0", "3"), seen);
        assertEquals(3, count(G1));
        assertEquals(List.of("0a:0", "0c:2", "0d:2"), users(G1, ALL_BUT_BANNED));
        assertEquals(List.of(), userGroups(B, ALL_BUT_BANNED));
        assertEquals(List.of(), userGroups(E, ALL_BUT_BANNED));
        assertEquals(T0.plusSeconds(2), groups.listUsers(G1, MEMBER, 10, null).members().get(0).updateTime(),
                "c's edge was not rewritten");
    }

    static final class Refused extends Exception {
        Refused() {
            super("refused");
        }
    }

    @Test
    void aChangeThatThrowsWritesNothing() throws Exception {
        groups.create(group(G1, A, "Knights"));
        set(G1, B, MEMBER);
        StoredGroup before = groups.get(G1).orElseThrow();
        clock.advance(Duration.ofSeconds(1));
        assertThrows(Refused.class, () -> groups.change(G1, m -> {
            m.setState(C, MEMBER);
            m.remove(B);
            m.setState(A, ADMIN);
            m.update(m.group().toBuilder().setName("Renamed").setDescription("x").build());
            throw new Refused();
        }));
        assertEquals(before, groups.get(G1).orElseThrow());
        assertEquals(List.of("0a:0", "0b:2"), users(G1, ALL_BUT_BANNED));
        assertEquals(NONE, groups.state(G1, C));
        assertEquals(List.of(), userGroups(C, ALL_BUT_BANNED));
        groups.create(group(G2, C, "Renamed"));
    }

    @Test
    void renamingToATakenNameWritesNothingAndARenameFreesTheOldName() throws Exception {
        groups.create(group(G1, A, "One"));
        groups.create(group(G2, A, "Two"));
        assertThrows(GroupNameTakenException.class, () -> groups.change(G2, m -> {
            m.setState(C, MEMBER);
            m.update(m.group().toBuilder().setName("One").build());
            return null;
        }));
        assertEquals("Two", groups.get(G2).orElseThrow().getName());
        assertEquals(1, count(G2));
        assertEquals(NONE, groups.state(G2, C));

        clock.advance(Duration.ofSeconds(1));
        groups.change(G2, m -> {
            m.update(m.group().toBuilder().setName("Three").setDescription("d").setOpen(false)
                    .setId(G5).setCreatorId(E).setEdgeCount(40).setCreateTimeUs(1).build());
            return null;
        });
        StoredGroup renamed = groups.get(G2).orElseThrow();
        assertEquals("Three", renamed.getName());
        assertEquals("d", renamed.getDescription());
        assertEquals(false, renamed.getOpen());
        assertEquals(G2, renamed.getId(), "id, creator, edge count and create time are the store's");
        assertEquals(A, renamed.getCreatorId());
        assertEquals(1, renamed.getEdgeCount());
        assertEquals(micros(T0), renamed.getCreateTimeUs());
        assertEquals(micros(T0.plusSeconds(1)), renamed.getUpdateTimeUs());
        assertEquals(List.of("Three"), names(groups.list(new Filter("three", null, null, null), 10, null)));
        assertEquals(List.of(), names(groups.list(new Filter("two", null, null, null), 10, null)));
        groups.create(group(G3, B, "Two"));

        groups.change(G3, m -> {
            m.update(m.group().toBuilder().setName("TWO").build());
            return null;
        });
        assertEquals("TWO", groups.get(G3).orElseThrow().getName(), "a rename changing only case");
        groups.change(G3, m -> {
            m.update(m.group());
            return null;
        });
        assertEquals("TWO", groups.get(G3).orElseThrow().getName(), "an update keeping the name");
        assertThrows(GroupNameTakenException.class, () -> groups.create(group(G4, B, "TWO")));
    }

    @Test
    void deleteRemovesTheGroupEveryEdgeBothWaysAndItsName() throws Exception {
        groups.create(group(G1, A, "Knights"));
        groups.create(group(G2, B, "Other"));
        set(G1, B, MEMBER);
        set(G1, C, BANNED);
        set(G1, D, JOIN_REQUEST);
        AtomicReference<Membership> leaked = new AtomicReference<>();
        groups.change(G1, m -> {
            m.delete();
            assertNull(m.group());
            assertEquals(NONE, m.state(B));
            assertThrows(IllegalStateException.class, () -> m.setState(E, MEMBER));
            leaked.set(m);
            return null;
        });
        assertThrows(IllegalStateException.class, () -> leaked.get().state(A), "a view outlives no change");
        assertTrue(groups.get(G1).isEmpty());
        for (String user : List.of(A, B, C, D)) {
            assertEquals(NONE, groups.state(G1, user));
        }
        assertEquals(List.of(), users(G1, ALL_BUT_BANNED));
        assertEquals(List.of(), users(G1, BANNED));
        assertEquals(List.of(), userGroups(A, ALL_BUT_BANNED));
        assertEquals(List.of("g2:0"), userGroups(B, ALL_BUT_BANNED));
        groups.create(group(G3, C, "Knights"));
        assertEquals(List.of(G3), groups.list(new Filter("knights", null, null, null), 10, null).groups()
                .stream().map(StoredGroup::getId).toList());
    }

    @Test
    void aChangeOnAMissingGroupSeesNothingAndCanWriteNothing() throws Exception {
        String answer = groups.change(G1, m -> {
            assertNull(m.group());
            assertEquals(NONE, m.state(A));
            assertEquals(List.of(), m.usersIn(MEMBER));
            m.remove(A);
            m.delete();
            assertThrows(IllegalStateException.class, () -> m.setState(A, MEMBER));
            assertThrows(IllegalStateException.class, () -> m.update(group(G1, A, "x")));
            return "none";
        });
        assertEquals("none", answer);
        assertTrue(groups.get(G1).isEmpty());
        assertEquals(List.of(), userGroups(A, ALL_BUT_BANNED));
        assertThrows(IllegalArgumentException.class, () -> groups.change("not-a-uuid", m -> null));
        assertThrows(IllegalArgumentException.class, () -> groups.change(G1, m -> m.state("nope")));
    }

    // ---- listUsers ----

    @Test
    void listUsersIsByStateThenPositionWithBannedOnlyOnRequest() throws Exception {
        groups.create(group(G1, A, "Knights"));
        for (String user : List.of(E, D, C, B)) {
            clock.advance(Duration.ofSeconds(1));
            set(G1, user, MEMBER);
        }
        set(G1, C, ADMIN);      // a changed state keeps its position (as Nakama's UPDATE)
        set(G1, D, BANNED);
        set(G1, B, JOIN_REQUEST);
        assertEquals(List.of("0a:0", "0c:1", "0e:2", "0b:3"), users(G1, ALL_BUT_BANNED));
        assertEquals(List.of("0d:4"), users(G1, BANNED));
        assertEquals(List.of("0e:2"), users(G1, MEMBER));
        set(G1, D, MEMBER);
        set(G1, C, MEMBER);
        assertEquals(List.of("0a:0", "0e:2", "0c:2", "0d:2", "0b:3"), users(G1, ALL_BUT_BANNED),
                "c keeps the position it joined with; d's ban was a new position (Nakama re-inserts a banned edge)");
        assertEquals(List.of(), users(G2, ALL_BUT_BANNED), "no such group");
    }

    @Test
    void listUsersPagesWithCursorsOnlyWhenMoreFollow() throws Exception {
        groups.create(group(G1, A, "Knights"));
        for (String user : List.of(B, C, D)) {
            set(G1, user, MEMBER);
        }
        set(G1, E, BANNED);
        MemberPage first = groups.listUsers(G1, ALL_BUT_BANNED, 2, null);
        assertEquals(List.of(A, B), first.members().stream().map(Member::userId).toList());
        assertNotNull(first.cursor());
        MemberPage second = groups.listUsers(G1, ALL_BUT_BANNED, 2, first.cursor());
        assertEquals(List.of(C, D), second.members().stream().map(Member::userId).toList());
        assertNull(second.cursor(), "the banned edge after the last member is not a next page");
        assertNull(groups.listUsers(G1, MEMBER, 3, null).cursor(), "a page filling the limit at the end");
        MemberPage members = groups.listUsers(G1, MEMBER, 1, "");
        assertEquals(List.of(B), members.members().stream().map(Member::userId).toList());
        assertEquals(List.of(C), groups.listUsers(G1, MEMBER, 1, members.cursor()).members().stream()
                .map(Member::userId).toList());

        groups.create(group(G2, A, "Other"));
        set(G2, B, MEMBER);
        set(G2, C, MEMBER);
        assertThrows(InvalidCursorException.class, () -> groups.listUsers(G2, ALL_BUT_BANNED, 2, first.cursor()),
                "another group's cursor");
        assertThrows(InvalidCursorException.class, () -> groups.listUsers(G1, MEMBER, 2, first.cursor()),
                "another state filter's cursor");
        assertThrows(InvalidCursorException.class, () -> groups.listUserGroups(A, ALL_BUT_BANNED, 2, first.cursor()),
                "another listing's cursor");
        assertThrows(IllegalArgumentException.class, () -> groups.listUsers(G1, 5, 2, null));
        assertThrows(IllegalArgumentException.class, () -> groups.listUsers(G1, MEMBER, 0, null));
    }

    @ParameterizedTest
    @ValueSource(strings = {"garbage", "AAAA", "x", "VUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFB"})
    void aForgedCursorIsRefusedByEveryListing(String cursor) {
        assertThrows(InvalidCursorException.class, () -> groups.listUsers(G1, ALL_BUT_BANNED, 10, cursor));
        assertThrows(InvalidCursorException.class, () -> groups.listUserGroups(A, ALL_BUT_BANNED, 10, cursor));
        assertThrows(InvalidCursorException.class, () -> groups.list(Filter.NONE, 10, cursor));
    }

    // ---- listUserGroups ----

    @Test
    void listUserGroupsIsByStateThenWhenTheUserGotItAndNeverListsBans() throws Exception {
        for (String g : List.of(G5, G4, G3, G2, G1)) {
            groups.create(group(g, A, "name " + g));
        }
        set(G5, B, MEMBER);
        set(G2, B, MEMBER);
        set(G4, B, ADMIN);
        set(G1, B, JOIN_REQUEST);
        set(G3, B, BANNED);
        assertEquals(List.of("g4:1", "g5:2", "g2:2", "g1:3"), userGroups(B, ALL_BUT_BANNED), "members in the order they joined");
        assertEquals(List.of("g5:2", "g2:2"), userGroups(B, MEMBER));
        assertEquals(List.of(), userGroups(B, BANNED));
        assertEquals(List.of("g5:0", "g4:0", "g3:0", "g2:0", "g1:0"), userGroups(A, SUPERADMIN), "in creation order");

        MemberPage first = groups.listUserGroups(B, ALL_BUT_BANNED, 3, null);
        assertEquals(List.of(G4, G5, G2), first.members().stream().map(Member::groupId).toList());
        MemberPage second = groups.listUserGroups(B, ALL_BUT_BANNED, 3, first.cursor());
        assertEquals(List.of(G1), second.members().stream().map(Member::groupId).toList());
        assertNull(second.cursor());
        assertNull(groups.listUserGroups(B, ALL_BUT_BANNED, 4, null).cursor(), "the ban after is not more");
        assertThrows(InvalidCursorException.class, () -> groups.listUserGroups(A, ALL_BUT_BANNED, 3, first.cursor()),
                "another user's cursor");
        assertThrows(InvalidCursorException.class, () -> groups.listUserGroups(B, MEMBER, 3, first.cursor()));
        Member g4 = first.members().get(0);
        assertEquals(B, g4.userId());
        assertEquals(ADMIN, g4.state());
    }

    // ---- list ----

    /** Names in listing order, from a page. */
    static List<String> names(GroupPage page) {
        return page.groups().stream().map(StoredGroup::getName).toList();
    }

    void createNamed(String... names) {
        for (int i = 0; i < names.length; i++) {
            groups.create(group(String.format("20000000-0000-4000-8000-%012d", i), A, names[i]));
        }
    }

    static final String[] NAMES = {"Knights", "KNIGHTS", "knights of ni", "K_nights", "Night", "100%", "1000",
            "Ab", "abc", "abd", "ac", "a", "b", "Zebra"};

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "knights|Knights,KNIGHTS",
        "KNIGHTS|Knights,KNIGHTS",
        "k%|Knights,KNIGHTS,knights of ni,K_nights",
        "k_nights|K_nights",
        "k_ights|Knights,KNIGHTS",
        "%night%|Knights,KNIGHTS,knights of ni,K_nights,Night",
        "%NI|knights of ni",
        "100%|100%,1000",
        "ab|Ab",
        "ab_|abc,abd",
        "ab%|Ab,abc,abd",
        "a%|a,Ab,abc,abd,ac",
        "a|a",
        "a_|Ab,ac",
        "_|a,b",
        "%|100%,1000,a,Ab,abc,abd,ac,b,K_nights,Knights,KNIGHTS,knights of ni,Night,Zebra",
        "ni|",
        "c%|",
        "zebra%%|Zebra",
        "%e%r%|Zebra",
    })
    void theNamePatternIsMatchedAsIlikeFromItsLiteralPrefix(String pattern, String expected) throws Exception {
        createNamed(NAMES);
        List<String> want = expected == null ? List.of() : Arrays.asList(expected.split(","));
        List<String> got = names(groups.list(new Filter(pattern, null, null, null), 100, null));
        assertEquals(want.stream().sorted().toList(), got.stream().sorted().toList());
        List<String> lowered = got.stream().map(n -> n.toLowerCase(java.util.Locale.ROOT)).toList();
        assertEquals(lowered.stream().sorted().toList(), lowered, "by lower-cased name");
    }

    /** As the reference answered these patterns for these names (PostgreSQL's ILIKE, escape {@code \\}). */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "Q\\%z|Q%z",
        "Q%z|Q%z,Qaz",
        "Q\\_b|Q_b",
        "Q\\\\c|Q\\c",
        "qċ|QĊ",
        "Q_|QĊ",
        "Q\\x%|Qxb",
        "Q\\a%|Qaz",
        "%\\%%|Q%z",
    })
    void aBackslashEscapesTheNextCharacterAndCaseFoldingIsUnicode(String pattern, String expected) throws Exception {
        createNamed("Q%z", "Qaz", "Q_b", "Qxb", "Q\\c", "QĊ");
        List<String> got = names(groups.list(new Filter(pattern, null, null, null), 100, null));
        assertEquals(Arrays.stream(expected.split(",")).sorted().toList(), got.stream().sorted().toList());
    }

    @Test
    void aTrailingLoneBackslashFailsOnlyWhenANameReachesIt() throws Exception {
        createNamed("Qaz", "Rb");
        assertThrows(IllegalArgumentException.class, () -> groups.list(new Filter("Q\\", null, null, null), 10, null));
        assertThrows(IllegalArgumentException.class, () -> groups.list(new Filter("%\\", null, null, null), 10, null));
        assertEquals(List.of(), names(groups.list(new Filter("Z\\", null, null, null), 10, null)), "no name gets that far");
        assertEquals(List.of(), names(groups.list(new Filter("Qaz\\", null, null, null), 10, null)),
                "the name ends where the escape begins");
    }

    @Test
    void equalLowerCasedNamesAreOrderedById() throws Exception {
        groups.create(group(G2, A, "knights"));
        groups.create(group(G1, A, "KNIGHTS"));
        groups.create(group(G3, A, "Knights"));
        assertEquals(List.of(G1, G2, G3), groups.list(new Filter("knights", null, null, null), 10, null).groups()
                .stream().map(StoredGroup::getId).toList());
    }

    @Test
    void theOtherFiltersKeepLangOpenAndGroupsAtMostThatFull() throws Exception {
        groups.create(group(G1, A, "one").toBuilder().setLangTag("fr").build());
        groups.create(group(G2, A, "two").toBuilder().setOpen(false).build());
        groups.create(group(G3, A, "three").toBuilder().setLangTag("FR").build());
        groups.create(group(G4, A, "four"));
        set(G4, B, MEMBER);
        set(G4, C, MEMBER);
        set(G1, B, JOIN_REQUEST);   // not counted
        assertEquals(List.of("one"), names(groups.list(new Filter(null, "fr", null, null), 10, null)));
        assertEquals(List.of("two"), names(groups.list(new Filter(null, null, false, null), 10, null)));
        assertEquals(List.of("four", "one", "three"), names(groups.list(new Filter(null, null, true, null), 10, null)));
        assertEquals(List.of("three", "two", "one"), names(groups.list(new Filter(null, null, null, 1), 10, null)),
                "a member bound: by edge count then id, descending");
        assertEquals(List.of("four", "three", "two", "one"), names(groups.list(new Filter(null, null, null, 3), 10, null)));
        assertEquals(List.of("three"), names(groups.list(new Filter("t%", null, true, 1), 10, null)));
        assertEquals(List.of(), names(groups.list(new Filter(null, "de", null, null), 10, null)));
    }

    @Test
    void aLanguageOrMemberListingIsByEdgeCountAndPagesThroughItsIndexAsCountsChange() throws Exception {
        for (String g : List.of(G1, G2, G3, G4)) {
            groups.create(group(g, A, "n" + g).toBuilder().setLangTag("en").build());
        }
        set(G3, B, MEMBER);
        set(G3, C, MEMBER);   // G3: 3
        set(G1, B, MEMBER);   // G1: 2
        Filter lang = new Filter(null, "en", null, null);
        assertEquals(List.of(G2, G4, G1, G3), ids(groups.list(lang, 10, null)), "by edge count then id, ascending");
        GroupPage first = groups.list(lang, 2, null);
        assertEquals(List.of(G2, G4), ids(first));
        assertEquals(List.of(G1, G3), ids(groups.list(lang, 2, first.cursor())));

        Filter atMostTwo = new Filter(null, "en", null, 2);
        assertEquals(List.of(G1, G4, G2), ids(groups.list(atMostTwo, 10, null)), "at most 2, the largest first");
        GroupPage top = groups.list(atMostTwo, 1, null);
        assertEquals(List.of(G1), ids(top));
        assertEquals(List.of(G4, G2), ids(groups.list(atMostTwo, 5, top.cursor())));
        assertEquals(List.of(), ids(groups.list(new Filter(null, null, null, 0), 10, null)));

        groups.change(G3, m -> {
            m.remove(B);
            m.remove(C);
            return null;
        });
        assertEquals(List.of(G1, G4, G3, G2), ids(groups.list(new Filter(null, null, null, 2), 10, null)),
                "the index follows the count");
        groups.change(G1, m -> {
            m.delete();
            return null;
        });
        assertEquals(List.of(G4, G3, G2), ids(groups.list(new Filter(null, null, null, 5), 10, null)));
        assertThrows(InvalidCursorException.class, () -> groups.list(new Filter(null, "en", null, 3), 1, top.cursor()));
    }

    private static List<String> ids(GroupPage page) {
        return page.groups().stream().map(StoredGroup::getId).toList();
    }

    @Test
    void listPagesWithCursorsBoundToTheFilterAndOnlyWhenAMatchFollows() throws Exception {
        createNamed("a1", "a2", "a3", "a4", "a5", "b1");
        GroupPage first = groups.list(Filter.NONE, 2, null);
        assertEquals(List.of("a1", "a2"), names(first));
        GroupPage second = groups.list(Filter.NONE, 2, first.cursor());
        assertEquals(List.of("a3", "a4"), names(second));
        GroupPage third = groups.list(Filter.NONE, 2, second.cursor());
        assertEquals(List.of("a5", "b1"), names(third));
        assertNull(third.cursor(), "a page filling the limit at the end");

        Filter a = new Filter("a%", null, null, null);
        GroupPage aFirst = groups.list(a, 3, null);
        assertEquals(List.of("a1", "a2", "a3"), names(aFirst));
        GroupPage aSecond = groups.list(a, 3, aFirst.cursor());
        assertEquals(List.of("a4", "a5"), names(aSecond));
        assertNull(aSecond.cursor(), "b1 follows but does not match");
        assertNull(groups.list(new Filter("a%", null, null, 3), 5, null).cursor());

        assertThrows(InvalidCursorException.class, () -> groups.list(Filter.NONE, 2, aFirst.cursor()));
        assertThrows(InvalidCursorException.class, () -> groups.list(new Filter("A%", null, null, null), 2, aFirst.cursor()),
                "the pattern's case is part of the filter");
        assertThrows(InvalidCursorException.class, () -> groups.list(new Filter("a%", "en", null, null), 2, aFirst.cursor()));
        assertThrows(InvalidCursorException.class, () -> groups.list(new Filter("a%", null, true, null), 2, aFirst.cursor()));
        assertThrows(InvalidCursorException.class, () -> groups.list(new Filter("a%", null, null, 100), 2, aFirst.cursor()));
        assertThrows(InvalidCursorException.class, () -> groups.listUsers(G1, ALL_BUT_BANNED, 2, first.cursor()));
        assertThrows(IllegalArgumentException.class, () -> groups.list(Filter.NONE, 0, null));
    }

    // ---- deleting a user ----

    @Test
    void deletingAUserRemovesItsEdgesBothWaysAndFixesCountsAndDeletesGroupsItWasTheLastSuperadminOf() throws Exception {
        String u = E;
        groups.create(group(G1, u, "sole"));           // u the only superadmin, b a member: deleted whole
        set(G1, B, MEMBER);
        groups.create(group(G2, A, "member"));         // u a member
        set(G2, u, MEMBER);
        set(G2, B, MEMBER);
        groups.create(group(G3, u, "shared"));         // u and c superadmins
        set(G3, C, SUPERADMIN);
        groups.create(group(G4, A, "banned"));         // u banned
        set(G4, u, BANNED);
        groups.create(group(G5, A, "request"));        // u asked to join
        set(G5, u, JOIN_REQUEST);
        set(G5, D, ADMIN);
        clock.advance(Duration.ofSeconds(5));
        long before4 = groups.get(G4).orElseThrow().getUpdateTimeUs();

        deleteUser(u);

        assertTrue(groups.get(G1).isEmpty(), "the group whose last superadmin went");
        assertEquals(NONE, groups.state(G1, B));
        assertEquals(List.of("g2:2"), userGroups(B, ALL_BUT_BANNED));
        groups.create(group("30000000-0000-4000-8000-000000000001", A, "sole"));
        assertEquals(List.of("0a:0", "0b:2"), users(G2, ALL_BUT_BANNED));
        assertEquals(2, count(G2));
        assertEquals(micros(clock.instant()), groups.get(G2).orElseThrow().getUpdateTimeUs());
        assertEquals(List.of("0c:0"), users(G3, ALL_BUT_BANNED));
        assertEquals(1, count(G3));
        assertEquals(List.of(), users(G4, BANNED));
        assertEquals(1, count(G4));
        assertEquals(before4, groups.get(G4).orElseThrow().getUpdateTimeUs());
        assertEquals(List.of("0a:0", "0d:1"), users(G5, ALL_BUT_BANNED));
        assertEquals(2, count(G5));
        for (String g : List.of(G1, G2, G3, G4, G5)) {
            assertEquals(NONE, groups.state(g, u));
        }
        assertEquals(List.of(), userGroups(u, ALL_BUT_BANNED));
        assertEquals(List.of("g3:0"), userGroups(C, ALL_BUT_BANNED));
    }

    // ---- restart ----

    @Test
    void groupsAndEdgesSurviveAReopen() throws Exception {
        groups.create(group(G1, A, "Knights"));
        set(G1, B, MEMBER);
        set(G1, C, BANNED);
        StoredGroup before = groups.get(G1).orElseThrow();
        groups = reopen();
        assertEquals(before, groups.get(G1).orElseThrow());
        assertEquals(List.of("0a:0", "0b:2"), users(G1, ALL_BUT_BANNED));
        assertEquals(List.of("0c:4"), users(G1, BANNED));
        assertEquals(List.of("g1:2"), userGroups(B, ALL_BUT_BANNED));
        assertEquals(List.of("Knights"), names(groups.list(new Filter("kn%", null, null, null), 10, null)));
        assertThrows(GroupNameTakenException.class, () -> groups.create(group(G2, A, "Knights")));
        clock.advance(Duration.ofSeconds(1));
        set(G1, D, MEMBER);
        assertEquals(3, count(G1));
        assertEquals(List.of("0a:0", "0b:2", "0d:2"), users(G1, ALL_BUT_BANNED));
    }

    // ---- concurrency ----

    @Test
    void concurrentJoinsLeavesKicksAndBansNeverLetTheEdgeCountDrift() throws Exception {
        List<String> gs = List.of(G1, G2, G3);
        for (String g : gs) {
            groups.create(group(g, A, "g " + g));
        }
        List<String> people = IntStream.range(0, 24)
                .mapToObj(i -> String.format("40000000-0000-4000-8000-%012d", i)).toList();
        int threads = 8;
        int opsPerThread = 400;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                long seed = t;
                done.add(pool.submit(() -> {
                    SplittableRandom random = new SplittableRandom(seed);
                    start.await();
                    for (int i = 0; i < opsPerThread; i++) {
                        String g = gs.get(random.nextInt(gs.size()));
                        String user = people.get(random.nextInt(people.size()));
                        String other = people.get(random.nextInt(people.size()));
                        int op = random.nextInt(6);
                        groups.change(g, m -> {
                            switch (op) {
                                case 0 -> {    // join an open group
                                    if (m.state(user) == NONE) {
                                        m.setState(user, MEMBER);
                                    }
                                }
                                case 1 -> m.remove(user);                  // leave
                                case 2 -> {    // kick: someone not banned leaves
                                    if (m.state(other) != BANNED) {
                                        m.remove(other);
                                    }
                                }
                                case 3 -> m.setState(other, BANNED);       // ban
                                case 4 -> {    // promote a member, request to join otherwise
                                    m.setState(user, m.state(user) == MEMBER ? ADMIN : JOIN_REQUEST);
                                }
                                default -> {   // add two at once, one of them twice
                                    m.setState(user, MEMBER);
                                    m.setState(other, MEMBER);
                                    m.setState(user, SUPERADMIN);
                                }
                            }
                            return null;
                        });
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : done) {
                f.get(2, TimeUnit.MINUTES);
            }
        } finally {
            pool.shutdownNow();
        }

        Map<String, Integer> fromUserLists = new HashMap<>();
        for (String p : people) {
            for (Member m : groups.listUserGroups(p, ALL_BUT_BANNED, 1000, null).members()) {
                assertEquals(m.state(), groups.state(m.groupId(), p));
                if (m.state() <= MEMBER) {
                    fromUserLists.merge(m.groupId(), 1, Integer::sum);
                }
            }
        }
        for (String g : gs) {
            List<Member> edges = new ArrayList<>(groups.listUsers(g, ALL_BUT_BANNED, 1000, null).members());
            edges.addAll(groups.listUsers(g, BANNED, 1000, null).members());
            long counted = edges.stream().filter(m -> m.state() <= MEMBER).count();
            assertEquals(counted, count(g), "group " + g + "'s edge count against its edges");
            assertEquals(counted, fromUserLists.getOrDefault(g, 0) + 1, "group " + g + " from the users' lists (+ a)");
            for (Member m : edges) {
                assertEquals(m.state(), groups.state(g, m.userId()));
            }
            int inChange = groups.change(g, m -> {
                int n = 0;
                for (int s = SUPERADMIN; s <= MEMBER; s++) {
                    n += m.usersIn(s).size();
                }
                return n;
            });
            assertEquals(counted, inChange);
        }
    }
}
