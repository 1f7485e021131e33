package io.gantry.core.channel;

import com.heroiclabs.nakama.api.ChannelMessageList;
import io.gantry.core.ListLimit;
import io.gantry.core.ServiceException;
import io.gantry.persistence.RocksStore;
import io.gantry.persistence.StoreOptions;
import io.gantry.persistence.WriteOp;
import io.gantry.persistence.WriteResult;
import io.gantry.proto.storage.StoredChannelMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Who may read which channel's history, and what everyone else is told, on the test thread:
 * the rules {@link ChannelHistory} (REST) shares with {@link ChannelService} (the socket).
 */
class ChannelHistoryRulesTest {

    static final String ALICE = "00000000-0000-4000-8000-00000000a11c";
    static final String BOB = "00000000-0000-4000-8000-000000000b0b";
    static final String EVE = "00000000-0000-4000-8000-000000000eee";
    /** The lower user id first: BOB's sorts before ALICE's. */
    static final String DM = "4." + BOB + "." + ALICE + ".";
    static final String GROUP = "3.00000000-0000-4000-8000-0000000000aa..";

    @TempDir
    Path dataDir;
    private RocksStore store;
    private ChannelHistory history;

    @BeforeEach
    void open() {
        store = RocksStore.open(dataDir, new StoreOptions(false, 4));
        history = new ChannelHistory(store.history(), new ChannelAccess(store.accounts(), store.friends(), store.groups()));
    }

    @AfterEach
    void close() {
        store.close();
    }

    private StoredChannelMessage append(String channelId, String senderId, long createTimeUs) throws Exception {
        StoredChannelMessage message = StoredChannelMessage.newBuilder()
                .setChannelId(channelId)
                .setMessageId(UUID.randomUUID().toString())
                .setSenderId(senderId)
                .setUsername(senderId.equals(ALICE) ? "alice" : "bob")
                .setContent("{\"t\":" + createTimeUs + "}")
                .setCreateTimeUs(createTimeUs)
                .setUpdateTimeUs(createTimeUs)
                .build();
        CompletableFuture<WriteResult> done = new CompletableFuture<>();
        assertTrue(store.writer().offer(new WriteOp.Append(message, done::complete)));
        assertInstanceOf(WriteResult.Ok.class, done.get(10, TimeUnit.SECONDS));
        return message;
    }

    @ParameterizedTest(name = "{0} reads ''{1}'' with limit {2} → {3}")
    @CsvSource(delimiter = '|', value = {
            // who       | channel                                   | limit | Nakama's answer (bad input)
            EVE + "      | " + DM + "                                | 10    | Channel not found.",
            ALICE + "    | " + GROUP + "                             | 10    | Group not found.",
            ALICE + "    | ''                                        | 10    | Invalid channel identifier: it is empty.",
            ALICE + "    | lobby                                     | 10    | Invalid channel identifier 'lobby': expected mode.subject.subcontext.label.",
            ALICE + "    | 9...x                                     | 10    | Invalid channel identifier '9...x': unknown mode 9.",
            ALICE + "    | 2...lobby                                 | 0     | " + ListLimit.MESSAGE,
            ALICE + "    | 2...lobby                                 | 101   | " + ListLimit.MESSAGE,
    })
    void aReadThatBreaksAChannelRuleIsRefused(String userId, String channelId, int limit, String message) throws Exception {
        append(DM, ALICE, 1);
        ServiceException e = assertThrows(ServiceException.class, () -> history.list(userId, channelId, limit, true, null));
        assertEquals(ServiceException.Kind.INVALID_ARGUMENT, e.kind());
        assertEquals(message, e.getMessage());
    }

    @Test
    void aDirectMessageIsReadableByBothOfItsUsers() throws Exception {
        StoredChannelMessage m = append(DM, ALICE, 1);
        for (String user : List.of(ALICE, BOB)) {
            ChannelMessageList list = history.list(user, DM, 10, true, null);
            assertEquals(List.of(m.getMessageId()), list.getMessagesList().stream().map(x -> x.getMessageId()).toList());
            assertEquals(ALICE, list.getMessages(0).getSenderId());
            assertEquals(m.getContent(), list.getMessages(0).getContent());
        }
    }

    @Test
    void aRoomIsReadableByAnyoneAndPagesWithItsCursors() throws Exception {
        StoredChannelMessage one = append("2...lobby", ALICE, 1);
        StoredChannelMessage two = append("2...lobby", BOB, 2);
        ChannelMessageList first = history.list(EVE, "2...lobby", 1, true, null);
        assertEquals(one.getMessageId(), first.getMessages(0).getMessageId());
        ChannelMessageList second = history.list(EVE, "2...lobby", 1, true, first.getNextCursor());
        assertEquals(two.getMessageId(), second.getMessages(0).getMessageId());
        assertEquals("", second.getNextCursor(), "the last page has no next cursor");
        ChannelMessageList newestFirst = history.list(EVE, "2...lobby", 2, false, "");
        assertEquals(List.of(two.getMessageId(), one.getMessageId()),
                newestFirst.getMessagesList().stream().map(x -> x.getMessageId()).toList());
    }

    @Test
    void aCursorOfAnotherChannelOrAForgedOneIsInvalid() throws Exception {
        append("2...lobby", ALICE, 1);
        append("2...lobby", ALICE, 2);
        append("2...other", ALICE, 1);
        append("2...other", ALICE, 2);
        String others = history.list(ALICE, "2...other", 1, true, null).getNextCursor();
        for (String cursor : List.of(others, "forged")) {
            ServiceException e = assertThrows(ServiceException.class, () -> history.list(ALICE, "2...lobby", 1, true, cursor));
            assertEquals(ServiceException.Kind.INVALID_ARGUMENT, e.kind());
            assertEquals("Cursor is invalid or expired.", e.getMessage());
        }
    }
}
