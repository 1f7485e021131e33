package io.gantry.server.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The server's settings: an immutable, typed view of every {@link ConfigKey}, safe to share
 * between threads. Each setting comes from, in increasing precedence, its default (in
 * {@link ConfigKeys}), the YAML file named by {@code --config}, and a command-line flag.
 *
 * <p>A YAML file uses Nakama's names, as nested sections or dotted keys:
 *
 * <pre>
 * name: gantry1
 * data_dir: /var/lib/gantry
 * socket:
 *   port: 7351
 *   server_key: mysecretkey
 * session:
 *   encryption_key: mysessionkey
 *   token_expiry_sec: 7200
 * matchmaker.rev_precision: true
 * </pre>
 *
 * <p>Flags are the same dotted names, each with exactly one value, either form:
 *
 * <pre>
 * gantry --config gantry.yml --socket.port 7352 --session.token_expiry_sec=120 --persistence.sync_writes false
 * </pre>
 *
 * <p>Reading a setting:
 *
 * <pre>{@code
 * Config config = Config.load(args);
 * int port = config.get(ConfigKeys.SOCKET_PORT);
 * long expiry = config.getLong("session.token_expiry_sec");
 * for (ConfigKey<?> key : config.secretsAtDefault()) {
 *     log.warn("{} is still at its default value; set it before going to production", key.name());
 * }
 * log.info("Settings:\n{}", config.describe()); // secrets show as ****
 * }</pre>
 *
 * <p>An unknown name (with a suggestion when one is close), a wrongly typed value, a value out
 * of range or inconsistent settings make {@link #load(String...)} throw a {@link ConfigException}
 * listing every problem found. Secrets ({@link ConfigKey#isSecret()}) never appear in
 * {@link #describe()}, {@link #toString()}, {@code --help} or error messages.
 */
public final class Config {
    /** Where a setting's value came from. */
    public enum Source {
        DEFAULT, FILE, FLAG,
        /** Set by {@link #with(ConfigKey, Object)}, typically in a test. */
        CODE
    }

    private record Setting(Object value, Source source) {
    }

    /** Every key of {@link ConfigKeys#ALL}, in that order. */
    private final Map<ConfigKey<?>, Setting> settings;

    private Config(Map<ConfigKey<?>, Setting> settings) {
        this.settings = settings;
    }

    // ---- building ---------------------------------------------------------------------------

    /**
     * Builds the configuration from the command line (and the YAML file it names, if any).
     *
     * @param args e.g. {@code --config gantry.yml --socket.port=7351}
     * @throws HelpRequestedException after printing the usage to standard output, on {@code -h}
     *         or {@code --help}: the caller should exit with status 0
     * @throws ConfigException if any setting is unknown, mistyped, out of range or inconsistent
     */
    public static Config load(String... args) {
        CommandLineFlags.Parsed flags;
        try {
            flags = CommandLineFlags.parse(args);
        } catch (HelpRequestedException help) {
            System.out.print(help.usage());
            System.out.flush();
            throw help;
        }
        List<String> problems = new ArrayList<>();
        Map<ConfigKey<?>, Object> fromFile = new LinkedHashMap<>();
        Path file = flags.configFile().orElse(null);
        if (file != null) {
            YamlConfigFile.read(file).forEach((name, raw) -> {
                Optional<ConfigKey<?>> key = ConfigKeys.byName(name);
                if (key.isPresent()) {
                    fromFile.put(key.get(), raw);
                } else {
                    problems.add("Unknown setting '" + name + "' in " + file
                            + ConfigKeys.suggest(name).map(s -> "; did you mean '" + s + "'?").orElse(""));
                }
            });
        }
        Map<ConfigKey<?>, Setting> settings = new LinkedHashMap<>();
        for (ConfigKey<?> key : ConfigKeys.ALL) {
            Setting setting = new Setting(key.defaultValue(), Source.DEFAULT);
            try {
                if (fromFile.containsKey(key)) {
                    setting = new Setting(key.convert(fromFile.get(key), "(in " + file + ")"), Source.FILE);
                }
                if (flags.values().containsKey(key)) {
                    setting = new Setting(key.convert(flags.values().get(key), "(from --" + key.name() + ")"),
                            Source.FLAG);
                }
            } catch (ConfigException e) {
                problems.add(e.getMessage());
            }
            settings.put(key, setting);
        }
        Config config = new Config(settings);
        if (problems.isEmpty()) {
            problems.addAll(config.inconsistencies());
        }
        throwIfAny(problems);
        return config;
    }

    /** Every setting at its default. */
    public static Config defaults() {
        Map<ConfigKey<?>, Setting> settings = new LinkedHashMap<>();
        for (ConfigKey<?> key : ConfigKeys.ALL) {
            settings.put(key, new Setting(key.defaultValue(), Source.DEFAULT));
        }
        return new Config(settings);
    }

    /**
     * A copy with one setting changed, checked like any other value; for tests and embedding.
     *
     * <pre>{@code
     * Config config = Config.defaults().with(ConfigKeys.SOCKET_ADDRESS, "127.0.0.1").with(ConfigKeys.SOCKET_PORT, port);
     * }</pre>
     *
     * @throws ConfigException if the value is out of range or makes the settings inconsistent
     */
    public <T> Config with(ConfigKey<T> key, T value) {
        requireKnown(key);
        Map<ConfigKey<?>, Setting> copy = new LinkedHashMap<>(settings);
        copy.put(key, new Setting(key.validate(value, "(set in code)"), Source.CODE));
        Config config = new Config(copy);
        throwIfAny(config.inconsistencies());
        return config;
    }

    /** The {@code --help} text. */
    public static String usage() {
        return CommandLineFlags.usage();
    }

    /** Rules that span several keys; checked once every value is known. */
    private List<String> inconsistencies() {
        List<String> problems = new ArrayList<>();
        int tcpPort = get(ConfigKeys.SOCKET_TCP_PORT);
        if (tcpPort > 0 && tcpPort == get(ConfigKeys.SOCKET_PORT)) {
            problems.add("socket.tcp_port (" + tcpPort + ") must differ from socket.port: the TCP transport has a port of "
                    + "its own (0 turns it off).");
        }
        if (get(ConfigKeys.SOCKET_PING_PERIOD_MS) >= get(ConfigKeys.SOCKET_PONG_WAIT_MS)) {
            problems.add("socket.ping_period_ms (" + get(ConfigKeys.SOCKET_PING_PERIOD_MS)
                    + ") must be less than socket.pong_wait_ms (" + get(ConfigKeys.SOCKET_PONG_WAIT_MS)
                    + "), or live sockets time out between pings");
        }
        int queue = get(ConfigKeys.SOCKET_OUTGOING_QUEUE_SIZE);
        int high = get(ConfigKeys.SOCKET_OUTGOING_HIGH_WATER);
        int low = get(ConfigKeys.SOCKET_OUTGOING_LOW_WATER);
        if (low >= high) {
            problems.add("socket.outgoing_low_water (" + low + ") must be less than socket.outgoing_high_water ("
                    + high + "), or a paused socket would never be read again");
        }
        if (high > queue / 2) {
            problems.add("socket.outgoing_high_water (" + high + ") must be at most half of socket.outgoing_queue_size ("
                    + queue + "): the queue needs room for what requests in flight produce after reading stops");
        }
        if (get(ConfigKeys.SESSION_ENCRYPTION_KEY).equals(get(ConfigKeys.SESSION_REFRESH_ENCRYPTION_KEY))) {
            problems.add("session.refresh_encryption_key must differ from session.encryption_key,"
                    + " or a refresh token would be accepted as a session token");
        }
        return problems;
    }

    private static void throwIfAny(List<String> problems) {
        if (problems.size() == 1) {
            throw new ConfigException(problems.get(0));
        }
        if (!problems.isEmpty()) {
            throw new ConfigException("Invalid configuration:\n  - " + String.join("\n  - ", problems));
        }
    }

    // ---- reading ----------------------------------------------------------------------------

    /** The value of a setting, e.g. {@code config.get(ConfigKeys.SOCKET_PORT)}. */
    public <T> T get(ConfigKey<T> key) {
        return key.type().cast(requireKnown(key).value());
    }

    /** @throws IllegalArgumentException if there is no such setting or it is not a string */
    public String getString(String name) {
        return get(key(name, String.class));
    }

    /** @throws IllegalArgumentException if there is no such setting or it is not an int */
    public int getInt(String name) {
        return get(key(name, Integer.class));
    }

    /** @throws IllegalArgumentException if there is no such setting or it is not a long */
    public long getLong(String name) {
        return get(key(name, Long.class));
    }

    /** @throws IllegalArgumentException if there is no such setting or it is not a boolean */
    public boolean getBoolean(String name) {
        return get(key(name, Boolean.class));
    }

    /** Where the value of {@code key} came from. */
    public Source source(ConfigKey<?> key) {
        return requireKnown(key).source();
    }

    /**
     * The secrets still at their default values, which anyone who has read the documentation
     * knows: the server should warn about them at startup, naming the keys, not the values.
     */
    public List<ConfigKey<?>> secretsAtDefault() {
        List<ConfigKey<?>> keys = new ArrayList<>();
        settings.forEach((key, setting) -> {
            // an empty default (database.address) is a choice, not a published secret
            if (key.isSecret() && !"".equals(key.defaultValue()) && key.defaultValue().equals(setting.value())) {
                keys.add(key);
            }
        });
        return List.copyOf(keys);
    }

    /**
     * The effective settings, one per line, with where each came from when not its default;
     * secrets show as {@code ****}. Safe to log.
     *
     * <pre>
     * name                             = gantry
     * socket.port                      = 7351  (flag)
     * socket.server_key                = ****  (file)
     * </pre>
     */
    public String describe() {
        int width = ConfigKeys.ALL.stream().mapToInt(k -> k.name().length()).max().orElse(0);
        StringBuilder out = new StringBuilder();
        settings.forEach((key, setting) -> {
            out.append(String.format("%-" + width + "s = %s", key.name(), display(key, setting.value())));
            if (setting.source() != Source.DEFAULT) {
                out.append("  (").append(setting.source().name().toLowerCase(Locale.ROOT)).append(')');
            }
            out.append('\n');
        });
        return out.toString();
    }

    /** {@code Config{name=gantry, socket.port=7350, socket.server_key=****, ...}}; secrets redacted. */
    @Override
    public String toString() {
        StringBuilder out = new StringBuilder("Config{");
        settings.forEach((key, setting) -> {
            if (out.length() > "Config{".length()) {
                out.append(", ");
            }
            out.append(key.name()).append('=').append(display(key, setting.value()));
        });
        return out.append('}').toString();
    }

    @SuppressWarnings("unchecked")
    private static <T> String display(ConfigKey<T> key, Object value) {
        return key.display((T) value);
    }

    private Setting requireKnown(ConfigKey<?> key) {
        Setting setting = settings.get(Objects.requireNonNull(key));
        if (setting == null) {
            throw new IllegalArgumentException(key + " is not registered in ConfigKeys.ALL");
        }
        return setting;
    }

    @SuppressWarnings("unchecked")
    private static <T> ConfigKey<T> key(String name, Class<T> type) {
        ConfigKey<?> key = ConfigKeys.byName(name).orElseThrow(() -> new IllegalArgumentException(
                "No setting named '" + name + "'" + ConfigKeys.suggest(name).map(s -> "; did you mean '" + s + "'?")
                        .orElse("")));
        if (key.type() != type) {
            throw new IllegalArgumentException(name + " is a " + key.typeName() + " setting");
        }
        return (ConfigKey<T>) key;
    }
}
