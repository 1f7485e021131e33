package io.gantry.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Defaults, then the YAML file, then flags: later sources win. */
class ConfigSourcesTest {
    @TempDir
    Path dir;

    private String yaml(String text) throws IOException {
        Path file = dir.resolve("gantry.yml");
        Files.writeString(file, text);
        return file.toString();
    }

    @Test
    void yamlOverridesDefaults() throws IOException {
        String file = yaml("""
                name: node1
                socket:
                  address: 127.0.0.1
                  port: 7351
                  server_key: filekey
                session:
                  token_expiry_sec: 120
                matchmaker:
                  rev_precision: true
                # every entry of this section is commented out
                persistence:
                #  bcrypt_cost: 12
                """);
        Config config = Config.load("--config", file);
        assertEquals("node1", config.get(ConfigKeys.NAME));
        assertEquals("127.0.0.1", config.get(ConfigKeys.SOCKET_ADDRESS));
        assertEquals(7351, config.get(ConfigKeys.SOCKET_PORT));
        assertEquals("filekey", config.get(ConfigKeys.SOCKET_SERVER_KEY));
        assertEquals(120L, config.get(ConfigKeys.SESSION_TOKEN_EXPIRY_SEC));
        assertEquals(true, config.get(ConfigKeys.MATCHMAKER_REV_PRECISION));
        assertEquals(10, config.get(ConfigKeys.PERSISTENCE_BCRYPT_COST));
        assertEquals(Config.Source.FILE, config.source(ConfigKeys.SOCKET_PORT));
        assertEquals(Config.Source.DEFAULT, config.source(ConfigKeys.SOCKET_OUTGOING_QUEUE_SIZE));
    }

    @Test
    void dottedKeysAtTopLevelAndInsideSections() throws IOException {
        String file = yaml("""
                socket.port: 7352
                matchmaker.rev_precision: true
                session:
                  refresh_token_expiry_sec: 7200
                """);
        Config config = Config.load("--config=" + file);
        assertEquals(7352, config.get(ConfigKeys.SOCKET_PORT));
        assertEquals(true, config.get(ConfigKeys.MATCHMAKER_REV_PRECISION));
        assertEquals(7200L, config.get(ConfigKeys.SESSION_REFRESH_TOKEN_EXPIRY_SEC));
    }

    @Test
    void flagsOverrideYaml() throws IOException {
        String file = yaml("socket:\n  port: 7351\n  outgoing_queue_size: 8192\n");
        Config config = Config.load("--config", file, "--socket.port", "7353");
        assertEquals(7353, config.get(ConfigKeys.SOCKET_PORT));
        assertEquals(Config.Source.FLAG, config.source(ConfigKeys.SOCKET_PORT));
        assertEquals(8192, config.get(ConfigKeys.SOCKET_OUTGOING_QUEUE_SIZE));
        // the order on the command line does not matter: a flag beats the file
        assertEquals(7353, Config.load("--socket.port", "7353", "--config", file).get(ConfigKeys.SOCKET_PORT));
    }

    @Test
    void bothFlagFormsAndExplicitBooleans() {
        Config config = Config.load("--socket.port", "7354", "--session.token_expiry_sec=90",
                "--matchmaker.rev_precision", "true", "--persistence.sync_writes=false",
                "--name=node-2", "--socket.address", "127.0.0.1");
        assertEquals(7354, config.get(ConfigKeys.SOCKET_PORT));
        assertEquals(90L, config.get(ConfigKeys.SESSION_TOKEN_EXPIRY_SEC));
        assertEquals(true, config.get(ConfigKeys.MATCHMAKER_REV_PRECISION));
        assertEquals(false, config.get(ConfigKeys.PERSISTENCE_SYNC_WRITES));
        assertEquals("node-2", config.get(ConfigKeys.NAME));
        assertEquals("127.0.0.1", config.get(ConfigKeys.SOCKET_ADDRESS));
    }

    @Test
    void emptyYamlFileKeepsDefaults() throws IOException {
        Config config = Config.load("--config", yaml("# nothing yet\n"));
        assertEquals(7350, config.get(ConfigKeys.SOCKET_PORT));
        assertTrue(config.secretsAtDefault().contains(ConfigKeys.SOCKET_SERVER_KEY));
    }
}
