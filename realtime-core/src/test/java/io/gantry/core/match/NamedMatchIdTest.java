package io.gantry.core.match;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A named relayed match gets the id Nakama derives from the name: its UUID v5 in the DNS namespace. */
class NamedMatchIdTest {

    @ParameterizedTest
    @CsvSource({
            // expected values from Python's uuid.uuid5(uuid.NAMESPACE_DNS, name), the same function as Go's uuid.NewV5
            "lobby, 358c4021-7393-5e08-ae5a-059e36c15bae",
            "python.org, 886313e1-3b8a-5372-9b90-0c9aee199e5d",
    })
    void isTheNamesUuidV5InTheDnsNamespace(String name, String expected) {
        assertEquals(UUID.fromString(expected), MatchService.namedMatchId(name));
    }
}
