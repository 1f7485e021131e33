package io.gantry.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigDefaultsTest {
    /** The documented defaults (DESIGN.md §3 and Nakama's names), written out independently of ConfigKeys. */
    private static final Map<String, Object> EXPECTED = new LinkedHashMap<>();

    static {
        EXPECTED.put("name", "gantry");
        EXPECTED.put("data_dir", "./data");
        EXPECTED.put("database.address", "");
        EXPECTED.put("database.max_open_conns", 32);
        EXPECTED.put("database.connect_timeout_ms", 3000L);
        EXPECTED.put("cluster.redis", "");
        EXPECTED.put("cluster.node_ttl_ms", 3000L);
        EXPECTED.put("cluster.bus_queue_size", 65_536);
        EXPECTED.put("socket.address", "0.0.0.0");
        EXPECTED.put("socket.port", 7350);
        EXPECTED.put("socket.tcp_port", 7349);
        EXPECTED.put("socket.server_key", "defaultkey");
        EXPECTED.put("socket.max_message_size_bytes", 4096);
        EXPECTED.put("socket.max_request_size_bytes", 262144);
        EXPECTED.put("socket.outgoing_queue_size", 4096);
        EXPECTED.put("socket.outgoing_high_water", 128);
        EXPECTED.put("socket.outgoing_low_water", 32);
        EXPECTED.put("socket.slow_consumer_timeout_ms", 5000L);
        EXPECTED.put("socket.ping_period_ms", 15000L);
        EXPECTED.put("socket.pong_wait_ms", 25000L);
        EXPECTED.put("socket.idle_timeout_ms", 60000L);
        EXPECTED.put("socket.io", "auto");
        EXPECTED.put("session.encryption_key", "defaultencryptionkey");
        EXPECTED.put("session.token_expiry_sec", 60L);
        EXPECTED.put("session.refresh_encryption_key", "defaultrefreshkey");
        EXPECTED.put("session.refresh_token_expiry_sec", 3600L);
        EXPECTED.put("runtime.http_key", "defaulthttpkey");
        EXPECTED.put("runtime.path", "./modules");
        EXPECTED.put("matchmaker.interval_sec", 15L);
        EXPECTED.put("matchmaker.max_intervals", 2);
        EXPECTED.put("matchmaker.max_tickets", 3);
        EXPECTED.put("matchmaker.rev_precision", false);
        EXPECTED.put("match.input_queue_size", 128);
        EXPECTED.put("match.label_update_interval_ms", 1000L);
        EXPECTED.put("match.max_empty_sec", 0L);
        EXPECTED.put("router.ring_size", 65536);
        EXPECTED.put("router.overflow_size", 65536);
        EXPECTED.put("persistence.sync_writes", true);
        EXPECTED.put("persistence.bcrypt_cost", 10);
        EXPECTED.put("channel.history_dedup_window_sec", 300L);
        EXPECTED.put("storage.max_value_bytes", 262144);
        EXPECTED.put("storage.max_objects_per_call", 100);
    }

    @Test
    void everyKeyHasTheDocumentedDefault() {
        Config config = Config.load();
        assertEquals(EXPECTED.keySet(), ConfigKeys.ALL.stream().map(ConfigKey::name)
                .collect(java.util.stream.Collectors.toCollection(java.util.LinkedHashSet::new)));
        for (ConfigKey<?> key : ConfigKeys.ALL) {
            assertEquals(EXPECTED.get(key.name()), config.get(key), key.name());
            assertEquals(EXPECTED.get(key.name()), Config.defaults().get(key), key.name());
            assertEquals(Config.Source.DEFAULT, config.source(key));
        }
    }

    @Test
    void typedGettersByName() {
        Config config = Config.defaults();
        assertEquals(7350, config.getInt("socket.port"));
        assertEquals(60L, config.getLong("session.token_expiry_sec"));
        assertTrue(config.getBoolean("persistence.sync_writes"));
        assertEquals("gantry", config.getString("name"));
        assertEquals(7350, config.get(ConfigKeys.SOCKET_PORT));
        var wrongType = assertThrows(IllegalArgumentException.class, () -> config.getLong("socket.port"));
        assertTrue(wrongType.getMessage().contains("int"), wrongType.getMessage());
        var unknown = assertThrows(IllegalArgumentException.class, () -> config.getInt("socket.prot"));
        assertTrue(unknown.getMessage().contains("socket.port"), unknown.getMessage());
    }

    @Test
    void withReturnsACheckedCopy() {
        Config defaults = Config.defaults();
        Config local = defaults.with(ConfigKeys.SOCKET_ADDRESS, "127.0.0.1").with(ConfigKeys.SOCKET_PORT, 7400);
        assertEquals("127.0.0.1", local.get(ConfigKeys.SOCKET_ADDRESS));
        assertEquals(7400, local.get(ConfigKeys.SOCKET_PORT));
        assertEquals(Config.Source.CODE, local.source(ConfigKeys.SOCKET_PORT));
        assertEquals(7350, defaults.get(ConfigKeys.SOCKET_PORT)); // unchanged
        assertThrows(ConfigException.class, () -> defaults.with(ConfigKeys.SOCKET_PORT, -1));
    }
}
