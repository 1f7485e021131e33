package io.gantry.persistence;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.pool.HikariPool;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.Objects;

/**
 * The PostgreSQL database behind a {@link PostgresStore}: a HikariCP pool, the Flyway migrations in
 * this jar ({@code db/gantry/V*.sql}), and the two ways the sub-stores run SQL: {@link #read} on an
 * auto-committing connection, {@link #transaction} in one transaction retried when PostgreSQL
 * reports a serialization failure or a deadlock.
 *
 * <pre>{@code
 * try (PostgresDatabase db = PostgresDatabase.connect(PostgresSettings.parse("postgres://gantry@127.0.0.1:5432/gantry"))) {
 *     db.migrate();
 *     long n = db.read(c -> { try (var s = c.prepareStatement("SELECT count(*) FROM accounts");
 *                                   var r = s.executeQuery()) { r.next(); return r.getLong(1); } });
 * }
 * }</pre>
 *
 * <p>Errors: a lost or refused connection becomes {@link StoreUnavailableException} (the API
 * answers UNAVAILABLE, and the pool reconnects when the database is back); any other SQL error
 * becomes {@link StoreException}. Runtime exceptions the work throws (a taken username, a
 * rejected write) roll the transaction back and pass through unchanged.
 *
 * <p>Threads: all methods are for any blocking thread; never call them on an event loop or the
 * router thread, since each may wait for a connection and for the database.
 */
public final class PostgresDatabase implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PostgresDatabase.class);
    /** Where the migrations live in the jar. */
    public static final String MIGRATIONS = "classpath:db/gantry";
    /** How often a transaction that lost a serialization race or a deadlock is tried in all. */
    private static final int ATTEMPTS = 8;

    /** SQL run inside {@link #read} or {@link #transaction}. */
    @FunctionalInterface
    public interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    private final HikariDataSource pool;
    private final PostgresSettings settings;

    private PostgresDatabase(HikariDataSource pool, PostgresSettings settings) {
        this.pool = pool;
        this.settings = settings;
    }

    /**
     * Opens the pool. It does not wait for the database: the first call that needs a connection
     * does, for at most {@link PostgresSettings#connectTimeoutMs()}.
     */
    public static PostgresDatabase connect(PostgresSettings settings) {
        Objects.requireNonNull(settings, "settings");
        HikariConfig config = new HikariConfig();
        config.setPoolName("gantry-postgres");
        config.setJdbcUrl(settings.jdbcUrl());
        config.setUsername(settings.user());
        config.setPassword(settings.password());
        config.setMaximumPoolSize(settings.maxConnections());
        config.setMinimumIdle(Math.min(2, settings.maxConnections()));
        config.setConnectionTimeout(settings.connectTimeoutMs());
        config.setValidationTimeout(Math.min(settings.connectTimeoutMs(), 5_000));
        // Start without the database; calls answer "unavailable" until it is there.
        config.setInitializationFailTimeout(-1);
        config.addDataSourceProperty("connectTimeout", Math.max(1, settings.connectTimeoutMs() / 1000));
        config.addDataSourceProperty("tcpKeepAlive", true);
        config.addDataSourceProperty("ApplicationName", "gantry");
        config.addDataSourceProperty("reWriteBatchedInserts", true);
        return new PostgresDatabase(new HikariDataSource(config), settings);
    }

    public PostgresSettings settings() {
        return settings;
    }

    /**
     * Applies the migrations this version has and the database has not, in one Flyway run.
     *
     * @return how many were applied
     * @throws StoreUnavailableException if the database cannot be reached
     */
    public int migrate() {
        createDatabaseIfMissing();
        try {
            MigrateResult result = Flyway.configure().dataSource(pool).locations(MIGRATIONS)
                    .table("gantry_schema_history").load().migrate();
            LOG.info("PostgreSQL schema at version {} ({} migrations applied)",
                    result.targetSchemaVersion == null ? result.initialSchemaVersion : result.targetSchemaVersion,
                    result.migrationsExecuted);
            return result.migrationsExecuted;
        } catch (RuntimeException e) {
            if (unavailable(e)) {
                throw new StoreUnavailableException("cannot reach PostgreSQL at " + settings.display(), e);
            }
            throw e;
        }
    }

    /**
     * Creates the database the settings name when the server does not have it (as Nakama's
     * {@code migrate up} does), connecting to the server's {@code postgres} database to do so.
     */
    private void createDatabaseIfMissing() {
        try (Connection c = java.sql.DriverManager.getConnection(settings.jdbcUrl(), settings.user(), settings.password())) {
            return; // it exists
        } catch (SQLException e) {
            if (!"3D000".equals(e.getSQLState())) {
                return; // unreachable or refused: migrate() says so
            }
        }
        String url = settings.jdbcUrl();
        int slash = url.indexOf('/', "jdbc:postgresql://".length());
        int query = url.indexOf('?', slash);
        String name = url.substring(slash + 1, query < 0 ? url.length() : query);
        String maintenance = url.substring(0, slash + 1) + "postgres" + (query < 0 ? "" : url.substring(query));
        try (Connection c = java.sql.DriverManager.getConnection(maintenance, settings.user(), settings.password());
             java.sql.Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE \"" + name.replace("\"", "\"\"") + "\"");
            LOG.info("Created database {} on PostgreSQL at {}", name, settings.display());
        } catch (SQLException e) {
            throw new StoreException("the database " + name + " does not exist and cannot be created: "
                    + e.getMessage(), e);
        }
    }

    /** Runs {@code work} on an auto-committing connection of the pool. */
    public <T> T read(Work<T> work) {
        for (int attempt = 1; ; attempt++) {
            try (Connection c = connection()) {
                return work.run(c);
            } catch (SQLException e) {
                if (attempt == 1 && staleSession(e)) {
                    continue;
                }
                throw translate(e);
            }
        }
    }

    /**
     * Runs {@code work} in one transaction (READ COMMITTED), committing when it returns and rolling
     * back when it throws. A serialization failure or deadlock runs it again, up to
     * {@value #ATTEMPTS} times in all, so {@code work} must do nothing outside the database it
     * cannot do twice.
     */
    public <T> T transaction(Work<T> work) {
        for (int attempt = 1; ; attempt++) {
            try (Connection c = connection()) {
                c.setAutoCommit(false);
                try {
                    T result = work.run(c);
                    c.commit();
                    return result;
                } catch (SQLException | RuntimeException | Error e) {
                    rollbackQuietly(c);
                    throw e;
                } finally {
                    resetQuietly(c);
                }
            } catch (SQLException e) {
                if (attempt < ATTEMPTS && (retryable(e) || (attempt == 1 && staleSession(e)))) {
                    continue;
                }
                throw translate(e);
            }
        }
    }

    /**
     * Whether {@code e} says the connection's session was ended by the server (it shut down or
     * restarted since the pool last used the connection: SQLSTATE 57P01, 57P02). The server ended
     * it before our statement, so the statement did not run, and the work may run again on a fresh
     * connection; every other idle connection of the pool is as stale, so they are evicted too.
     * Without this, the first calls after the database returns would each meet one dead connection.
     */
    private boolean staleSession(SQLException e) {
        String state = e.getSQLState();
        if (!"57P01".equals(state) && !"57P02".equals(state)) {
            return false;
        }
        var bean = pool.getHikariPoolMXBean();
        if (bean != null) {
            bean.softEvictConnections();
        }
        return true;
    }

    /** A connection from the pool, or {@link StoreUnavailableException} when none comes in time. */
    Connection connection() throws SQLException {
        try {
            return pool.getConnection();
        } catch (SQLTransientConnectionException e) {
            throw new StoreUnavailableException("cannot reach PostgreSQL at " + settings.display(), e);
        } catch (HikariPool.PoolInitializationException e) {
            throw new StoreUnavailableException("cannot reach PostgreSQL at " + settings.display(), e);
        }
    }

    /** The pool, for Flyway, export and import. */
    javax.sql.DataSource dataSource() {
        return pool;
    }

    /** {@link StoreUnavailableException} for a lost or refused connection, else {@link StoreException}. */
    RuntimeException translate(SQLException e) {
        if (unavailable(e)) {
            return new StoreUnavailableException("PostgreSQL at " + settings.display() + " is unavailable: "
                    + e.getMessage(), e);
        }
        return new StoreException("PostgreSQL: " + e.getMessage(), e);
    }

    /** Whether {@code e} (or a cause) says the database is away rather than that the SQL failed. */
    static boolean unavailable(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof StoreUnavailableException || t instanceof SQLTransientConnectionException
                    || t instanceof java.net.ConnectException || t instanceof java.io.EOFException) {
                return true;
            }
            if (t instanceof SQLException sql && sql.getSQLState() != null) {
                String state = sql.getSQLState();
                // 08: connection exceptions; 57P01..03: the server is shutting down or starting
                if (state.startsWith("08") || state.equals("57P01") || state.equals("57P02") || state.equals("57P03")) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean retryable(SQLException e) {
        String state = e.getSQLState();
        return "40001".equals(state) || "40P01".equals(state);
    }

    private static void rollbackQuietly(Connection c) {
        try {
            c.rollback();
        } catch (SQLException ignored) {
            // the connection is broken; the pool drops it
        }
    }

    private static void resetQuietly(Connection c) {
        try {
            c.setAutoCommit(true);
        } catch (SQLException ignored) {
            // the connection is broken; the pool drops it
        }
    }

    @Override
    public void close() {
        pool.close();
    }
}
