package io.gantry.persistence;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * Where the PostgreSQL store is and how many connections it may hold: the server's
 * {@code --database.address} ({@code postgres://user:password@host:port/database?param=value},
 * as Nakama and libpq write it) turned into a JDBC URL, user and password.
 *
 * <pre>{@code
 * PostgresSettings s = PostgresSettings.parse("postgres://gantry:secret@db:5432/gantry?sslmode=require");
 * s.jdbcUrl();   // jdbc:postgresql://db:5432/gantry?sslmode=require
 * }</pre>
 *
 * @param jdbcUrl          the driver's URL, without user or password
 * @param user             the role to log in as
 * @param password         its password, or empty; never logged
 * @param maxConnections   the pool's size
 * @param connectTimeoutMs how long a call waits for a connection before it answers "unavailable"
 */
public record PostgresSettings(String jdbcUrl, String user, String password, int maxConnections, long connectTimeoutMs) {

    public static final int DEFAULT_MAX_CONNECTIONS = 32;
    public static final long DEFAULT_CONNECT_TIMEOUT_MS = 3_000;

    public PostgresSettings {
        Objects.requireNonNull(jdbcUrl, "jdbcUrl");
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(password, "password");
        if (maxConnections < 1) {
            throw new IllegalArgumentException("maxConnections must be positive, was " + maxConnections);
        }
        if (connectTimeoutMs < 250) {
            throw new IllegalArgumentException("connectTimeoutMs must be at least 250, was " + connectTimeoutMs);
        }
    }

    /** Whether {@code address} names PostgreSQL ({@code postgres://} or {@code postgresql://}). */
    public static boolean isPostgres(String address) {
        return address != null && (address.startsWith("postgres://") || address.startsWith("postgresql://"));
    }

    /** {@link #parse(String, int, long)} with the default pool size and timeout. */
    public static PostgresSettings parse(String address) {
        return parse(address, DEFAULT_MAX_CONNECTIONS, DEFAULT_CONNECT_TIMEOUT_MS);
    }

    /**
     * Reads {@code postgres://[user[:password]@]host[:port]/database[?params]}: the user defaults to
     * {@code postgres}, the port to 5432; the parameters go to the driver as they are.
     *
     * @throws IllegalArgumentException naming what is wrong (never echoing the password)
     */
    public static PostgresSettings parse(String address, int maxConnections, long connectTimeoutMs) {
        if (!isPostgres(address)) {
            throw new IllegalArgumentException("a PostgreSQL address starts with postgres:// (as in "
                    + "postgres://user:password@host:5432/gantry)");
        }
        URI uri;
        try {
            uri = URI.create(address);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not a postgres:// URL: " + redact(address));
        }
        String host = uri.getHost();
        if (host == null || host.isEmpty()) {
            throw new IllegalArgumentException("the address names no host: " + redact(address));
        }
        String path = uri.getPath() == null ? "" : uri.getPath();
        String database = path.startsWith("/") ? path.substring(1) : path;
        if (database.isEmpty() || database.contains("/")) {
            throw new IllegalArgumentException("the address names no database (postgres://host:5432/gantry): "
                    + redact(address));
        }
        String user = "postgres";
        String password = "";
        String userInfo = uri.getRawUserInfo();
        if (userInfo != null && !userInfo.isEmpty()) {
            int colon = userInfo.indexOf(':');
            user = decode(colon < 0 ? userInfo : userInfo.substring(0, colon));
            password = colon < 0 ? "" : decode(userInfo.substring(colon + 1));
        }
        int port = uri.getPort() < 0 ? 5432 : uri.getPort();
        String hostPart = host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
        String url = "jdbc:postgresql://" + hostPart + ":" + port + "/" + database
                + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
        return new PostgresSettings(url, user, password, maxConnections, connectTimeoutMs);
    }

    /** The URL and user, for logs and errors: never the password. */
    public String display() {
        return user + "@" + jdbcUrl.substring("jdbc:".length());
    }

    /** Never shows the password: settings end up in logs. */
    @Override
    public String toString() {
        return "PostgresSettings[" + display() + ", maxConnections=" + maxConnections
                + ", connectTimeoutMs=" + connectTimeoutMs + "]";
    }

    private static String decode(String s) {
        return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    private static String redact(String address) {
        return address.replaceAll("//([^:/@]*):[^@/]*@", "//$1:***@");
    }
}
