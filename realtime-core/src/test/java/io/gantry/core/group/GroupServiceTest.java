package io.gantry.core.group;

import io.gantry.core.ServiceException;
import io.gantry.core.account.AccountService;
import io.gantry.core.session.SessionRegistry;
import io.gantry.persistence.GroupStore;
import io.gantry.persistence.RocksStore;
import io.gantry.persistence.StoreOptions;
import io.gantry.runtime.Group;
import io.gantry.runtime.GroupCreate;
import io.gantry.runtime.GroupUpdate;
import io.gantry.runtime.GroupUsersRequest;
import io.gantry.runtime.Notifications;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The group service on the test thread, over a real store: which membership message each change
 * sends to the group chat (with the AFFECTED user as its sender), which notifications go out, and
 * what server code (no caller) may do.
 */
class GroupServiceTest {

    @TempDir
    Path dataDir;
    private RocksStore store;
    private GroupService groups;
    /** "code:username" per membership message, in order. */
    private final List<String> chat = new CopyOnWriteArrayList<>();
    /** "to:code:sender" per notification, in order. */
    private final List<String> sent = new CopyOnWriteArrayList<>();
    private volatile boolean chatFails;

    @BeforeEach
    void open() {
        store = RocksStore.open(dataDir, new StoreOptions(false, 4));
        GroupChat recording = (groupId, userId, username, code) -> {
            chat.add(code + ":" + username);
            return chatFails ? CompletableFuture.failedFuture(new IllegalStateException("history full"))
                    : CompletableFuture.completedFuture(null);
        };
        Notifications notifications = (userId, subject, content, code, senderId, persistent) ->
                sent.add(name(userId) + ":" + code + ":" + (senderId == null ? "server" : name(senderId)));
        groups = new GroupService(store.groups(), store.accounts(), new SessionRegistry(), notifications, recording,
                AccountService::user, Clock.systemUTC());
    }

    @AfterEach
    void close() {
        store.close();
    }

    private String user(String name) {
        return store.accounts().createWithDevice("device-" + name + "-" + UUID.randomUUID(), name).account().getId();
    }

    private String name(String userId) {
        return store.accounts().byId(userId).orElseThrow().getUsername();
    }

    private static GroupUsersRequest users(String groupId, String... ids) {
        return new GroupUsersRequest(groupId, List.of(ids));
    }

    @Test
    void eachMembershipChangeIsOneMessageFromTheAffectedUserAndRequestsAndAddsAreNotified() throws ServiceException {
        String owner = user("owner");
        String admin = user("admin");
        String bob = user("bob");
        String carol = user("carol");
        String open = groups.create(owner, new GroupCreate("open", "", "", "", true, 0, null), false).id();
        String closed = groups.create(owner, new GroupCreate("closed", "", "", "", false, 0, null), false).id();

        groups.join(bob, open);
        groups.join(bob, open);   // again: nothing
        groups.addUsers(owner, users(closed, admin));
        groups.promoteUsers(owner, users(closed, admin));
        groups.join(carol, closed);   // a request: no message, owner and admin told
        groups.kickUsers(admin, users(closed, carol));   // a request kicked: no message
        groups.join(carol, closed);
        groups.addUsers(admin, users(closed, carol));
        groups.demoteUsers(owner, users(closed, admin));
        groups.banUsers(owner, users(closed, carol));
        groups.leave(bob, open);
        groups.delete(owner, closed);   // nothing sent

        assertEquals(List.of("3:bob", "4:admin", "7:admin", "4:carol", "9:admin", "8:carol", "5:bob"), chat);
        assertEquals(List.of("admin:-4:owner", "owner:-5:carol", "admin:-5:carol", "owner:-5:carol", "admin:-5:carol",
                "carol:-4:admin"), sent);
    }

    @Test
    void serverCodeActsAsASuperadminButKeepsTheLastSuperadminAndSetsMetadata() throws ServiceException {
        String owner = user("owner");
        String bob = user("bob");
        Group g = groups.create(owner, new GroupCreate("g", "", "", "", false, 0, "{\"tier\":1}"), true);
        assertEquals("{\"tier\":1}", g.metadata());
        groups.addUsers(null, users(g.id(), bob));
        assertEquals(List.of("bob:-4:server"), sent);
        groups.kickUsers(null, users(g.id(), owner));
        groups.demoteUsers(null, users(g.id(), owner));
        groups.banUsers(null, users(g.id(), owner));
        assertEquals(GroupStore.SUPERADMIN, store.groups().state(g.id(), owner), "the last superadmin stays");
        groups.promoteUsers(null, users(g.id(), bob, bob));   // named twice: promoted twice, as Nakama
        assertEquals(GroupStore.SUPERADMIN, store.groups().state(g.id(), bob));
        groups.demoteUsers(null, users(g.id(), owner));
        assertEquals(GroupStore.ADMIN, store.groups().state(g.id(), owner), "no longer the last one");
        groups.update(null, new GroupUpdate(g.id(), null, null, null, null, null, "{\"tier\":2}", 7));
        Group updated = groups.get(g.id()).orElseThrow();
        assertEquals("{\"tier\":2}", updated.metadata());
        assertEquals(7, updated.maxCount());
        ServiceException refused = assertThrows(ServiceException.class,
                () -> groups.update(null, new GroupUpdate(g.id(), null, null, null, null, null, "[1]", null)));
        assertEquals("Metadata must be a valid JSON object.", refused.getMessage());
        assertEquals("{\"tier\":2}", groups.get(g.id()).orElseThrow().metadata());
        // a client's metadata and max count are ignored: nothing left to update
        ServiceException client = assertThrows(ServiceException.class,
                () -> groups.update(owner, new GroupUpdate(g.id(), null, null, null, null, null, "{}", 9)));
        assertEquals("Specify at least one field to update.", client.getMessage());
    }

    @Test
    void aMembershipMessageThatCannotBeStoredDoesNotUndoTheChange() throws ServiceException {
        String owner = user("owner");
        String bob = user("bob");
        String g = groups.create(owner, new GroupCreate("g", "", "", "", true, 0, null), false).id();
        chatFails = true;
        groups.join(bob, g);
        assertEquals(List.of("3:bob"), chat);
        assertEquals(GroupStore.MEMBER, store.groups().state(g, bob));
        assertEquals(2, groups.get(g).orElseThrow().edgeCount());
    }
}
