package io.gantry.core.match;

import org.junit.jupiter.api.Test;

import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Match ids as Nakama forms them: {@code <uuid>.} relayed, {@code <uuid>.<node>} authoritative. */
class MatchIdTest {

    @Test
    void parsesRelayedAndAuthoritativeIds() {
        String uuid = UUID.randomUUID().toString();
        MatchId relayed = MatchId.parse(uuid + ".");
        assertEquals(new MatchId(uuid, ""), relayed);
        assertFalse(relayed.authoritative());
        assertEquals(uuid + ".", relayed.value());
        MatchId authoritative = MatchId.parse(uuid + ".node1");
        assertTrue(authoritative.authoritative());
        assertEquals("node1", authoritative.node());
        assertEquals(uuid + ".node1", authoritative.value());
    }

    @Test
    void refusesAnythingElse() {
        String uuid = "0f8fad5b-d9cb-469f-a165-70867728950e";
        for (String bad : new String[]{null, "", ".", uuid, uuid.toUpperCase() + ".", uuid.replace('-', '_') + ".",
                uuid.substring(1) + "x.", "0f8fad5b-d9cb-469f-a165-70867728950g.", uuid + ".a.b", uuid + "." + "n".repeat(65),
                "0f8fad5bd-9cb-469f-a165-70867728950e."}) {
            assertNull(MatchId.parse(bad), () -> "accepted " + bad);
        }
    }
}
