package io.gantry.server.config;

import io.gantry.transport.SocketIo;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every setting Gantry has, with its default: the one place defaults are written down. Names
 * are Nakama's (dotted, snake_case), so a Nakama user finds them where they expect.
 *
 * <p>Time settings are {@code long}s whose unit ends the name ({@code _ms}, {@code _sec}); sizes
 * and counts are {@code int}s. To add a setting, add a constant here and to {@link #ALL}: the
 * YAML loader, the command line, {@code --help} and {@link Config#describe()} follow from it.
 */
public final class ConfigKeys {
    private ConfigKeys() {
    }

    private static final int MAX = Integer.MAX_VALUE;

    // ---- node -------------------------------------------------------------------------------
    public static final ConfigKey<String> NAME = ConfigKey.nodeName("name", "gantry",
            "Node name; part of the ids of authoritative matches and parties.");
    public static final ConfigKey<String> DATA_DIR = ConfigKey.string("data_dir", "./data",
            "Directory holding the embedded database.");

    // ---- database: the embedded RocksDB, or PostgreSQL ------------------------------------------
    public static final ConfigKey<String> DATABASE_ADDRESS = ConfigKey.databaseAddress("database.address", "",
            "Empty: the embedded RocksDB under data_dir. postgres://user:password@host:5432/gantry: PostgreSQL "
                    + "(the schema is created and migrated at start-up).");
    public static final ConfigKey<Integer> DATABASE_MAX_OPEN_CONNS = ConfigKey.integer("database.max_open_conns", 32, 1, 10_000,
            "Most connections to PostgreSQL this node holds.");
    public static final ConfigKey<Long> DATABASE_CONNECT_TIMEOUT_MS = ConfigKey.longInt("database.connect_timeout_ms", 3000, 250,
            "How long a call waits for a PostgreSQL connection before it answers 'unavailable' (the database is away).");

    // ---- cluster: several nodes as one server (docs/CLUSTER.md) ------------------------------
    public static final ConfigKey<String> CLUSTER_REDIS = ConfigKey.redisAddress("cluster.redis", "",
            "Redis for a cluster, redis://host:port[/db]: node membership, the presence directory and the bus between nodes. Empty runs one node alone. Give each node its own --name and share --database.address.");
    public static final ConfigKey<Long> CLUSTER_NODE_TTL_MS = ConfigKey.longInt("cluster.node_ttl_ms", 3000, 300,
            "How long a node's heartbeat lives in Redis: a node silent this long (killed, cut off) is dead to the others, which end its users' presences.");
    public static final ConfigKey<Integer> CLUSTER_BUS_QUEUE_SIZE = ConfigKey.integer("cluster.bus_queue_size", 65_536, 2, 1 << 24,
            "Messages that may wait to cross to other nodes; beyond it they are dropped and the node republishes its presences.");

    // ---- socket: REST and WebSocket on one port ---------------------------------------------
    public static final ConfigKey<String> SOCKET_ADDRESS = ConfigKey.string("socket.address", "0.0.0.0",
            "Address REST and the socket listen on; 0.0.0.0 is every interface.");
    public static final ConfigKey<Integer> SOCKET_PORT = ConfigKey.integer("socket.port", 7350, 0, 65535,
            "Port serving REST and the WebSocket (0 picks a free port).");
    public static final ConfigKey<Integer> SOCKET_TCP_PORT = ConfigKey.integer("socket.tcp_port", 7349, -1, 65535,
            "Port of the TCP transport (the realtime protocol in length-prefixed protobuf frames) on socket.address; "
                    + "0 turns it off, -1 picks a free port.");
    public static final ConfigKey<String> SOCKET_SERVER_KEY = ConfigKey.secret("socket.server_key", "defaultkey",
            "Server key clients authenticate with (basic auth 'serverkey:').");
    public static final ConfigKey<Integer> SOCKET_MAX_MESSAGE_SIZE_BYTES = ConfigKey.integer(
            "socket.max_message_size_bytes", 4096, 1, MAX,
            "Largest socket message from a client; a larger one closes the socket.");
    public static final ConfigKey<Integer> SOCKET_MAX_REQUEST_SIZE_BYTES = ConfigKey.integer(
            "socket.max_request_size_bytes", 262144, 1, MAX,
            "Largest REST request body accepted.");
    public static final ConfigKey<Integer> SOCKET_OUTGOING_QUEUE_SIZE = ConfigKey.integer(
            "socket.outgoing_queue_size", 4096, 16, MAX,
            "Most messages queued for one socket (a memory bound); one more closes it as a slow consumer.");
    public static final ConfigKey<Integer> SOCKET_OUTGOING_HIGH_WATER = ConfigKey.integer(
            "socket.outgoing_high_water", 128, 1, MAX,
            "Messages queued plus requests in flight at which a socket's requests stop being read.");
    public static final ConfigKey<Integer> SOCKET_OUTGOING_LOW_WATER = ConfigKey.integer(
            "socket.outgoing_low_water", 32, 0, MAX,
            "Messages queued plus requests in flight at or under which a paused socket is read again.");
    public static final ConfigKey<Long> SOCKET_SLOW_CONSUMER_TIMEOUT_MS = ConfigKey.longInt(
            "socket.slow_consumer_timeout_ms", 5000, 1,
            "How long a socket may accept no bytes (its client is not reading) before it is closed.");
    public static final ConfigKey<Long> SOCKET_PING_PERIOD_MS = ConfigKey.longInt("socket.ping_period_ms", 15000, 1,
            "How often each socket is pinged; less than socket.pong_wait_ms.");
    public static final ConfigKey<Long> SOCKET_PONG_WAIT_MS = ConfigKey.longInt("socket.pong_wait_ms", 25000, 1,
            "How long to wait for a pong (or any frame) before closing a socket.");
    public static final ConfigKey<String> SOCKET_IO = ConfigKey.choice("socket.io", SocketIo.AUTO.configName(),
            java.util.Arrays.stream(SocketIo.values()).map(SocketIo::configName).toList(),
            "Kernel interface of the sockets: auto (io_uring when the kernel allows it, else epoll, else NIO), "
                    + "io_uring, epoll or nio.");
    public static final ConfigKey<Long> SOCKET_IDLE_TIMEOUT_MS = ConfigKey.longInt("socket.idle_timeout_ms", 60000, 1,
            "How long a keep-alive HTTP connection may wait for its next request.");

    // ---- session tokens ---------------------------------------------------------------------
    public static final ConfigKey<String> SESSION_ENCRYPTION_KEY = ConfigKey.secret("session.encryption_key",
            "defaultencryptionkey", "Key signing session tokens (HS256).");
    public static final ConfigKey<Long> SESSION_TOKEN_EXPIRY_SEC = ConfigKey.longInt("session.token_expiry_sec", 60, 1,
            "Lifetime of a session token, in seconds.");
    public static final ConfigKey<String> SESSION_REFRESH_ENCRYPTION_KEY = ConfigKey.secret(
            "session.refresh_encryption_key", "defaultrefreshkey",
            "Key signing refresh tokens (HS256), other than session.encryption_key.");
    public static final ConfigKey<Long> SESSION_REFRESH_TOKEN_EXPIRY_SEC = ConfigKey.longInt(
            "session.refresh_token_expiry_sec", 3600, 1, "Lifetime of a refresh token, in seconds.");

    // ---- runtime ----------------------------------------------------------------------------
    public static final ConfigKey<String> RUNTIME_HTTP_KEY = ConfigKey.secret("runtime.http_key", "defaulthttpkey",
            "Key for server-to-server RPC calls (?http_key=).");
    public static final ConfigKey<String> RUNTIME_PATH = ConfigKey.string("runtime.path", "./modules",
            "Folder of module jars (server code found with ServiceLoader) loaded at start-up.");

    // ---- matchmaker -------------------------------------------------------------------------
    public static final ConfigKey<Long> MATCHMAKER_INTERVAL_SEC = ConfigKey.longInt("matchmaker.interval_sec", 15, 1,
            "How often the matchmaker looks for matches, in seconds.");
    public static final ConfigKey<Integer> MATCHMAKER_MAX_INTERVALS = ConfigKey.integer(
            "matchmaker.max_intervals", 2, 1, MAX,
            "Intervals a ticket waits for its max_count before settling for min_count.");
    public static final ConfigKey<Integer> MATCHMAKER_MAX_TICKETS = ConfigKey.integer(
            "matchmaker.max_tickets", 3, 1, MAX, "Matchmaker tickets a session may hold at once.");
    public static final ConfigKey<Boolean> MATCHMAKER_REV_PRECISION = ConfigKey.bool("matchmaker.rev_precision", false,
            "Match only tickets whose queries match each other (reverse precision).");

    // ---- authoritative matches --------------------------------------------------------------
    public static final ConfigKey<Integer> MATCH_INPUT_QUEUE_SIZE = ConfigKey.integer(
            "match.input_queue_size", 128, 1, MAX,
            "Messages queued for a match handler before further input is dropped.");
    public static final ConfigKey<Long> MATCH_LABEL_UPDATE_INTERVAL_MS = ConfigKey.longInt(
            "match.label_update_interval_ms", 1000, 1, "How often changed match labels reach match listings.");
    public static final ConfigKey<Long> MATCH_MAX_EMPTY_SEC = ConfigKey.longInt("match.max_empty_sec", 0, 0,
            "Seconds a match may stay empty before it is stopped; 0 means no limit.");

    // ---- internals --------------------------------------------------------------------------
    public static final ConfigKey<Integer> ROUTER_RING_SIZE = ConfigKey.powerOfTwo("router.ring_size", 65536,
            "Slots in the message router's ring buffer; a power of two.");
    public static final ConfigKey<Integer> ROUTER_OVERFLOW_SIZE = ConfigKey.powerOfTwo("router.overflow_size", 65536,
            "Tasks from other threads (durable write acks, match answers) that may wait when the router's ring is full; a power of two.");
    public static final ConfigKey<Boolean> PERSISTENCE_SYNC_WRITES = ConfigKey.bool("persistence.sync_writes", true,
            "Acknowledge a write once it is on disk (fsync of the write-ahead log).");
    public static final ConfigKey<Integer> PERSISTENCE_BCRYPT_COST = ConfigKey.integer(
            "persistence.bcrypt_cost", 10, 4, 31, "bcrypt cost of password hashes.");
    public static final ConfigKey<Long> CHANNEL_HISTORY_DEDUP_WINDOW_SEC = ConfigKey.longInt(
            "channel.history_dedup_window_sec", 300, 0,
            "Seconds in which a resent channel message is a duplicate; 0 is off.");
    public static final ConfigKey<Integer> STORAGE_MAX_VALUE_BYTES = ConfigKey.integer(
            "storage.max_value_bytes", 262_144, 2, 64 << 20, "Largest storage object value, in UTF-8 bytes.");
    public static final ConfigKey<Integer> STORAGE_MAX_OBJECTS_PER_CALL = ConfigKey.integer(
            "storage.max_objects_per_call", 100, 1, 10_000, "Most storage objects one read, write or delete may name.");

    /** Every key, in the order {@code --help} and {@link Config#describe()} list them. */
    public static final List<ConfigKey<?>> ALL = List.of(
            NAME, DATA_DIR, DATABASE_ADDRESS, DATABASE_MAX_OPEN_CONNS, DATABASE_CONNECT_TIMEOUT_MS,
            CLUSTER_REDIS, CLUSTER_NODE_TTL_MS, CLUSTER_BUS_QUEUE_SIZE,
            SOCKET_ADDRESS, SOCKET_PORT, SOCKET_TCP_PORT, SOCKET_SERVER_KEY, SOCKET_MAX_MESSAGE_SIZE_BYTES,
            SOCKET_MAX_REQUEST_SIZE_BYTES, SOCKET_OUTGOING_QUEUE_SIZE, SOCKET_OUTGOING_HIGH_WATER,
            SOCKET_OUTGOING_LOW_WATER, SOCKET_SLOW_CONSUMER_TIMEOUT_MS, SOCKET_PING_PERIOD_MS,
            SOCKET_PONG_WAIT_MS, SOCKET_IDLE_TIMEOUT_MS, SOCKET_IO,
            SESSION_ENCRYPTION_KEY, SESSION_TOKEN_EXPIRY_SEC, SESSION_REFRESH_ENCRYPTION_KEY,
            SESSION_REFRESH_TOKEN_EXPIRY_SEC,
            RUNTIME_HTTP_KEY, RUNTIME_PATH,
            MATCHMAKER_INTERVAL_SEC, MATCHMAKER_MAX_INTERVALS, MATCHMAKER_MAX_TICKETS, MATCHMAKER_REV_PRECISION,
            MATCH_INPUT_QUEUE_SIZE, MATCH_LABEL_UPDATE_INTERVAL_MS, MATCH_MAX_EMPTY_SEC,
            ROUTER_RING_SIZE, ROUTER_OVERFLOW_SIZE, PERSISTENCE_SYNC_WRITES, PERSISTENCE_BCRYPT_COST, CHANNEL_HISTORY_DEDUP_WINDOW_SEC,
            STORAGE_MAX_VALUE_BYTES, STORAGE_MAX_OBJECTS_PER_CALL);

    private static final Map<String, ConfigKey<?>> BY_NAME = index();

    private static Map<String, ConfigKey<?>> index() {
        Map<String, ConfigKey<?>> byName = new LinkedHashMap<>();
        for (ConfigKey<?> key : ALL) {
            if (byName.put(key.name(), key) != null) {
                throw new IllegalStateException("duplicate setting " + key.name());
            }
        }
        return Map.copyOf(byName);
    }

    /** The key with this dotted name, e.g. {@code "socket.port"}. */
    public static Optional<ConfigKey<?>> byName(String name) {
        return Optional.ofNullable(BY_NAME.get(name));
    }

    /** Whether {@code name} is a section some keys live in, e.g. {@code "socket"}. */
    static boolean isSection(String name) {
        String prefix = name + ".";
        return ALL.stream().anyMatch(k -> k.name().startsWith(prefix));
    }

    /**
     * The key a user probably meant by an unknown name: one a couple of typos away
     * ({@code socket.prot}), or the only key ending in the same segment ({@code port}).
     */
    static Optional<String> suggest(String unknown) {
        String best = null;
        int bestDistance = Math.max(2, unknown.length() / 4) + 1;
        for (ConfigKey<?> key : ALL) {
            int d = distance(unknown, key.name());
            if (d < bestDistance) {
                best = key.name();
                bestDistance = d;
            }
        }
        if (best == null) {
            String last = unknown.substring(unknown.lastIndexOf('.') + 1);
            List<String> sameEnd = ALL.stream().map(ConfigKey::name)
                    .filter(n -> n.substring(n.lastIndexOf('.') + 1).equals(last)).toList();
            best = sameEnd.size() == 1 ? sameEnd.get(0) : null;
        }
        return Optional.ofNullable(best);
    }

    /** Levenshtein distance; the key list is short, so the quadratic cost does not matter. */
    private static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitute = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitute, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
