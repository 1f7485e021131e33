package io.gantry.persistence;

import org.junit.jupiter.api.Test;

import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The PostgreSQL store's own life: it migrates an empty database, migrates nothing twice, and says when the database is away. */
class PostgresStoreTest {

    @Test
    void openingMigratesAnEmptyDatabaseAndASecondOpenAppliesNothing() {
        String url = PostgresTestServer.shared().freshDatabase();
        PostgresSettings settings = new PostgresSettings(url, "postgres", "", 2, 5_000);
        try (PostgresStore store = PostgresStore.open(settings, new StoreOptions(false, 4), Clock.systemUTC())) {
            int tables = store.db().read(c -> {
                try (Statement s = c.createStatement();
                     ResultSet r = s.executeQuery("SELECT count(*) FROM gantry_schema_history WHERE success")) {
                    r.next();
                    return r.getInt(1);
                }
            });
            assertTrue(tables >= 1, "the migrations ran: " + tables);
        }
        try (PostgresDatabase db = PostgresDatabase.connect(settings)) {
            assertEquals(0, db.migrate(), "nothing left to apply");
            String version = db.read(c -> {
                try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT version()")) {
                    r.next();
                    return r.getString(1);
                }
            });
            assertTrue(version.startsWith("PostgreSQL 16"), version);
        }
    }

    @Test
    void aDatabaseTheServerLacksIsCreatedAsNakamaDoes() {
        String missing = PostgresTestServer.shared().freshDatabase().replaceAll("/test_\\d+$", "/gantry_new_" + System.nanoTime());
        PostgresSettings settings = new PostgresSettings(missing, "postgres", "", 2, 5_000);
        try (PostgresStore store = PostgresStore.open(settings, new StoreOptions(false, 4))) {
            assertEquals(missing.substring(missing.lastIndexOf('/') + 1),
                    store.db().read(c -> {
                        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT current_database()")) {
                            r.next();
                            return r.getString(1);
                        }
                    }));
        }
    }

    @Test
    void theFirstCallsAfterTheDatabaseRestartedSucceedOnFreshConnections() throws Exception {
        try (PostgresTestServer pg = PostgresTestServer.start()) {
            PostgresSettings settings = new PostgresSettings(pg.freshDatabase(), "postgres", "", 4, 5_000);
            try (PostgresStore store = PostgresStore.open(settings, new StoreOptions(false, 4))) {
                String id = store.accounts().createWithDevice("device-restart-1", null).account().getId();
                // every pooled connection has a session on the server that is about to go
                java.util.List<java.sql.Connection> held = new java.util.ArrayList<>();
                for (int i = 0; i < 4; i++) {
                    held.add(store.db().connection());
                }
                for (java.sql.Connection c : held) {
                    c.close();
                }
                pg.stop();
                pg.restart();
                // the pool's connections are all stale: each call still succeeds, first time
                for (int i = 0; i < 4; i++) {
                    assertEquals(id, store.accounts().byDeviceId("device-restart-1").orElseThrow().getId());
                    assertTrue(store.accounts().createWithDevice("device-restart-new-" + i, null).created());
                }
            }
        }
    }

    @Test
    void aDatabaseThatIsNotThereIsUnavailableNotAnError() throws Exception {
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        PostgresSettings nowhere = new PostgresSettings("jdbc:postgresql://127.0.0.1:" + port + "/gantry",
                "postgres", "", 2, 1_000);
        StoreUnavailableException e = assertThrows(StoreUnavailableException.class,
                () -> PostgresStore.open(nowhere, new StoreOptions(false, 4)));
        assertTrue(e.getMessage().contains("127.0.0.1:" + port), e.getMessage());
    }

    @Test
    void addressesReadAsNakamaWritesThem() {
        PostgresSettings s = PostgresSettings.parse("postgres://gantry:s%40cret@db.example:6432/game?sslmode=require");
        assertEquals("jdbc:postgresql://db.example:6432/game?sslmode=require", s.jdbcUrl());
        assertEquals("gantry", s.user());
        assertEquals("s@cret", s.password());
        assertTrue(!s.toString().contains("cret"), "the password is never shown");
        PostgresSettings bare = PostgresSettings.parse("postgresql://localhost/gantry");
        assertEquals("jdbc:postgresql://localhost:5432/gantry", bare.jdbcUrl());
        assertEquals("postgres", bare.user());
        IllegalArgumentException noDb = assertThrows(IllegalArgumentException.class,
                () -> PostgresSettings.parse("postgres://u:hunter2@host:5432"));
        assertTrue(noDb.getMessage().contains("no database") && !noDb.getMessage().contains("hunter2"), noDb.getMessage());
        assertThrows(IllegalArgumentException.class, () -> PostgresSettings.parse("mysql://host/db"));
    }
}
