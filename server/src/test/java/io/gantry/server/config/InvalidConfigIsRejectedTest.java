package io.gantry.server.config;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class InvalidConfigIsRejectedTest {
    @TempDir
    Path dir;

    private String yaml(String text) throws IOException {
        Path file = dir.resolve("gantry.yml");
        Files.writeString(file, text);
        return file.toString();
    }

    private static String failure(String... args) {
        return assertThrows(ConfigException.class, () -> Config.load(args)).getMessage();
    }

    private static void assertContains(String message, String... parts) {
        for (String part : parts) {
            assertTrue(message.contains(part), () -> "'" + part + "' not in: " + message);
        }
    }

    @Test
    void unknownFlagNamesItAndSuggestsTheClosestKey() {
        assertContains(failure("--socket.prot", "7351"), "'--socket.prot'", "did you mean '--socket.port'?");
        assertContains(failure("--socket.prot=7351"), "'--socket.prot'", "did you mean '--socket.port'?");
        assertContains(failure("--port", "7351"), "did you mean '--socket.port'?");
        assertContains(failure("--completely.different", "1"), "'--completely.different'");
    }

    @Test
    void unknownYamlKeyNamesItAndSuggestsTheClosestKey() throws IOException {
        String message = failure("--config", yaml("sokcet:\n  port: 7351\n"));
        assertContains(message, "Unknown setting 'sokcet.port'", "gantry.yml", "did you mean 'socket.port'?");
        assertContains(failure("--config", yaml("matchmaker.max_ticket: 5\n")), "did you mean 'matchmaker.max_tickets'?");
    }

    @Test
    void theTcpPortMustDifferFromTheHttpPortAndBeInRange() {
        assertContains(failure("--socket.port", "7400", "--socket.tcp_port", "7400"),
                "socket.tcp_port (7400) must differ from socket.port");
        assertContains(failure("--socket.tcp_port", "-2"), "socket.tcp_port");
        assertContains(failure("--socket.tcp_port", "65536"), "socket.tcp_port");
    }

    @Test
    void wrongTypeNamesKeyValueAndExpectedType() throws IOException {
        assertContains(failure("--socket.port", "abc"), "socket.port", "'abc'", "int");
        assertContains(failure("--matchmaker.rev_precision", "yes"), "matchmaker.rev_precision", "'yes'", "boolean");
        assertContains(failure("--session.token_expiry_sec=1.5"), "session.token_expiry_sec", "'1.5'", "long");
        assertContains(failure("--config", yaml("socket:\n  port: seven\n")), "socket.port", "'seven'", "int", "gantry.yml");
        assertContains(failure("--config", yaml("socket:\n  port: 7350.5\n")), "socket.port", "'7350.5'", "int");
        assertContains(failure("--config", yaml("persistence:\n  sync_writes: 1\n")), "persistence.sync_writes", "boolean");
        assertContains(failure("--config", yaml("socket:\n  port:\n")), "socket.port", "no value");
        assertContains(failure("--config", yaml("socket:\n  port: [1, 2]\n")), "socket.port", "list");
    }

    @Test
    void booleansNeedAnExplicitValue() {
        assertContains(failure("--matchmaker.rev_precision"), "--matchmaker.rev_precision");
        assertContains(failure("--matchmaker.rev_precision", "--socket.port", "7351"), "--matchmaker.rev_precision");
    }

    @ParameterizedTest
    @CsvSource({
            "socket.port, -1, between 0 and 65535",
            "socket.port, 65536, between 0 and 65535",
            "socket.max_message_size_bytes, 0, at least 1",
            "socket.max_request_size_bytes, -1, at least 1",
            "socket.outgoing_queue_size, 8, at least 16",
            "socket.outgoing_high_water, 0, at least 1",
            "socket.outgoing_low_water, -1, at least 0",
            "socket.slow_consumer_timeout_ms, 0, at least 1",
            "match.input_queue_size, 0, at least 1",
            "session.token_expiry_sec, 0, at least 1",
            "session.refresh_token_expiry_sec, -5, at least 1",
            "persistence.bcrypt_cost, 3, between 4 and 31",
            "persistence.bcrypt_cost, 32, between 4 and 31",
            "router.ring_size, 1000, power of two",
            "name, 'a.b', letters, digits",
    })
    void outOfRangeValuesAreRejected(String key, String value, String expected) {
        assertContains(failure("--" + key, value), key, expected);
    }

    @Test
    void inconsistentSettingsAreRejected() {
        assertContains(failure("--socket.ping_period_ms", "25000"), "socket.ping_period_ms", "socket.pong_wait_ms");
        assertContains(failure("--session.encryption_key", "same", "--session.refresh_encryption_key", "same"),
                "session.refresh_encryption_key must differ");
        assertContains(failure("--socket.outgoing_low_water", "128"), "socket.outgoing_low_water",
                "socket.outgoing_high_water");
        assertContains(failure("--socket.outgoing_queue_size", "64"), "socket.outgoing_high_water",
                "socket.outgoing_queue_size");
    }

    @Test
    void everyProblemIsReportedAtOnce() throws IOException {
        String message = failure("--config", yaml("socket:\n  prot: 1\n  outgoing_queue_size: 0\n"),
                "--persistence.bcrypt_cost", "99");
        assertContains(message, "socket.prot", "socket.outgoing_queue_size", "persistence.bcrypt_cost");
    }

    @Test
    void badFilesAreReportedWithTheirPath() throws IOException {
        assertContains(failure("--config", dir.resolve("missing.yml").toString()), "not found", "missing.yml");
        assertContains(failure("--config", yaml("socket: [\n")), "Cannot parse", "gantry.yml");
        assertContains(failure("--config", yaml("- a\n- b\n")), "must be a map");
        assertContains(failure("--config", yaml("socket:\n  port: 1\n  port: 2\n")), "duplicate key");
        assertContains(failure("--config", yaml("socket.port: 1\nsocket:\n  port: 2\n")), "socket.port twice");
    }

    @Test
    void strayArgumentsAndRepeatedFlagsAreRejected() {
        assertContains(failure("serve"), "Unexpected argument");
        assertContains(failure("--socket.port", "1", "--socket.port", "2"), "--socket.port", "only once");
    }
}
