package io.gantry.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretsAreNeverShownTest {
    @TempDir
    Path dir;

    @Test
    void describeAndToStringRedactSecrets() {
        Config config = Config.load("--socket.server_key", "s3rv3r-k3y", "--session.encryption_key=3ncrypt10n",
                "--session.refresh_encryption_key", "r3fr3sh", "--runtime.http_key", "h77pk3y", "--socket.port", "7351");
        for (String text : List.of(config.describe(), config.toString())) {
            for (String secret : List.of("s3rv3r-k3y", "3ncrypt10n", "r3fr3sh", "h77pk3y")) {
                assertFalse(text.contains(secret), text);
            }
            assertTrue(text.contains("****"), text);
            assertTrue(text.contains("7351"), text); // non-secrets are shown
        }
        assertTrue(config.describe().contains("socket.port"));
        assertTrue(config.describe().lines().anyMatch(l -> l.startsWith("socket.port") && l.endsWith("(flag)")));
        assertEquals("s3rv3r-k3y", config.get(ConfigKeys.SOCKET_SERVER_KEY)); // but readable in code
    }

    @Test
    void defaultsAreRedactedToo() {
        Config config = Config.defaults();
        for (String text : List.of(config.describe(), config.toString(), Config.usage())) {
            for (String secret : List.of("defaultkey", "defaultencryptionkey", "defaultrefreshkey", "defaulthttpkey")) {
                assertFalse(text.contains(secret), text);
            }
        }
    }

    @Test
    void secretsStillAtTheirDefaultsAreListedByKey() {
        assertEquals(List.of(ConfigKeys.SOCKET_SERVER_KEY, ConfigKeys.SESSION_ENCRYPTION_KEY,
                        ConfigKeys.SESSION_REFRESH_ENCRYPTION_KEY, ConfigKeys.RUNTIME_HTTP_KEY),
                Config.defaults().secretsAtDefault());
        Config config = Config.load("--socket.server_key", "mine", "--runtime.http_key", "alsomine");
        assertEquals(List.of(ConfigKeys.SESSION_ENCRYPTION_KEY, ConfigKeys.SESSION_REFRESH_ENCRYPTION_KEY),
                config.secretsAtDefault());
    }

    @Test
    void errorsAboutSecretsDoNotQuoteThem() throws IOException {
        Path file = dir.resolve("gantry.yml");
        Files.writeString(file, "session:\n  encryption_key: [t0ps3cr3t]\n");
        String message = assertThrows(ConfigException.class, () -> Config.load("--config", file.toString())).getMessage();
        assertTrue(message.contains("session.encryption_key"), message);
        assertFalse(message.contains("t0ps3cr3t"), message);

        Files.writeString(file, "socket:\n  server_key: t0ps3cr3t\n    bad: indentation\n");
        message = assertThrows(ConfigException.class, () -> Config.load("--config", file.toString())).getMessage();
        assertFalse(message.contains("t0ps3cr3t"), message);

        message = assertThrows(ConfigException.class, () -> Config.load("--session.encryption_key", "same",
                "--session.refresh_encryption_key", "same")).getMessage();
        assertFalse(message.contains("same,") || message.contains("'same'"), message);
    }
}
