package io.gantry.server.config;

import java.math.BigInteger;
import java.util.Collection;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One setting: its dotted snake_case name (Nakama's), its type, its default, a description for
 * {@code --help}, whether it is a secret, and the check every value must pass.
 *
 * <p>Keys are declared once, as the constants of {@link ConfigKeys}; that registry is the only
 * place defaults live. Values are read with {@link Config#get(ConfigKey)}:
 *
 * <pre>{@code
 * int port = config.get(ConfigKeys.SOCKET_PORT);
 * }</pre>
 *
 * <p>Instances are immutable and compared by identity: there is one instance per setting.
 *
 * @param <T> {@link String}, {@link Integer}, {@link Long} or {@link Boolean}
 */
public final class ConfigKey<T> {
    /** What a value must satisfy beyond its type; answers {@code null} when it is acceptable. */
    @FunctionalInterface
    interface Check<T> {
        /** @return why {@code value} is unacceptable, e.g. "must be at least 1", or null */
        String problem(T value);
    }

    private static final Pattern NODE_NAME = Pattern.compile("[A-Za-z0-9_-]+");

    private final String name;
    private final Class<T> type;
    private final T defaultValue;
    private final String description;
    private final boolean secret;
    private final Check<T> check;

    private ConfigKey(String name, Class<T> type, T defaultValue, String description, boolean secret,
                      Check<T> check) {
        this.name = Objects.requireNonNull(name);
        this.type = Objects.requireNonNull(type);
        this.defaultValue = Objects.requireNonNull(defaultValue);
        this.description = Objects.requireNonNull(description);
        this.secret = secret;
        this.check = Objects.requireNonNull(check);
        String problem = check.problem(defaultValue);
        if (problem != null) {
            throw new IllegalArgumentException("default of " + name + " " + problem);
        }
    }

    // ---- factories used by ConfigKeys -------------------------------------------------------

    static ConfigKey<String> string(String name, String defaultValue, String description) {
        return new ConfigKey<>(name, String.class, defaultValue, description, false, ConfigKey::nonEmpty);
    }

    static ConfigKey<String> nodeName(String name, String defaultValue, String description) {
        return new ConfigKey<>(name, String.class, defaultValue, description, false,
                v -> NODE_NAME.matcher(v).matches() ? null : "must contain only letters, digits, '_' and '-'");
    }

    /** A secret: {@code --help}, {@link Config#describe()} and error messages never show its value. */
    static ConfigKey<String> secret(String name, String defaultValue, String description) {
        return new ConfigKey<>(name, String.class, defaultValue, description, true, ConfigKey::nonEmpty);
    }

    /**
     * A database address: empty (the embedded store) or a {@code postgres://} URL. A secret, since
     * the URL may hold a password: {@code --help} and error messages never show it.
     */
    static ConfigKey<String> databaseAddress(String name, String defaultValue, String description) {
        return new ConfigKey<>(name, String.class, defaultValue, description, true, v -> {
            if (v.isEmpty()) {
                return null;
            }
            try {
                io.gantry.persistence.PostgresSettings.parse(v);
                return null;
            } catch (IllegalArgumentException e) {
                return "must be empty (the embedded store) or " + e.getMessage();
            }
        });
    }

    /**
     * A Redis address: empty (one node alone) or {@code redis://[[user]:password@]host[:port][/db]}.
     * A secret, since the URL may hold a password.
     */
    static ConfigKey<String> redisAddress(String name, String defaultValue, String description) {
        return new ConfigKey<>(name, String.class, defaultValue, description, true, v -> {
            if (v.isEmpty()) {
                return null;
            }
            try {
                io.gantry.cluster.ClusterSettings.of("check", v, 3000, 2);
                return null;
            } catch (IllegalArgumentException e) {
                return "must be empty (one node alone) or redis://host:port[/db]";
            }
        });
    }

    /** One of a fixed set of words. */
    static ConfigKey<String> choice(String name, String defaultValue, java.util.List<String> allowed, String description) {
        return new ConfigKey<>(name, String.class, defaultValue, description, false,
                v -> allowed.contains(v) ? null : "must be one of " + String.join(", ", allowed));
    }

    static ConfigKey<Integer> integer(String name, int defaultValue, long min, long max, String description) {
        return new ConfigKey<>(name, Integer.class, defaultValue, description, false, v -> range(v, min, max));
    }

    static ConfigKey<Integer> powerOfTwo(String name, int defaultValue, String description) {
        return new ConfigKey<>(name, Integer.class, defaultValue, description, false,
                v -> v > 0 && Integer.bitCount(v) == 1 ? null : "must be a power of two (1, 2, 4, ... 1073741824)");
    }

    static ConfigKey<Long> longInt(String name, long defaultValue, long min, String description) {
        return new ConfigKey<>(name, Long.class, defaultValue, description, false,
                v -> range(v, min, Long.MAX_VALUE));
    }

    static ConfigKey<Boolean> bool(String name, boolean defaultValue, String description) {
        return new ConfigKey<>(name, Boolean.class, defaultValue, description, false, v -> null);
    }

    private static String nonEmpty(String v) {
        return v.isBlank() ? "must not be empty" : null;
    }

    private static String range(long v, long min, long max) {
        if (v >= min && v <= max) {
            return null;
        }
        return max == Long.MAX_VALUE || max == Integer.MAX_VALUE
                ? "must be at least " + min
                : "must be between " + min + " and " + max;
    }

    // ---- accessors --------------------------------------------------------------------------

    /** The dotted name, e.g. {@code "socket.port"}; also the flag ({@code --socket.port}). */
    public String name() {
        return name;
    }

    public Class<T> type() {
        return type;
    }

    public T defaultValue() {
        return defaultValue;
    }

    public String description() {
        return description;
    }

    public boolean isSecret() {
        return secret;
    }

    /** The type as users see it: {@code string}, {@code int}, {@code long} or {@code boolean}. */
    public String typeName() {
        if (type == Integer.class) {
            return "int";
        }
        return type == String.class ? "string" : type.getSimpleName().toLowerCase(Locale.ROOT);
    }

    /** A value as it may be shown or logged: {@code "****"} for a secret. */
    public String display(T value) {
        return secret ? "****" : String.valueOf(value);
    }

    @Override
    public String toString() {
        return name;
    }

    // ---- conversion -------------------------------------------------------------------------

    /**
     * Checks a value given in code, e.g. by {@link Config#with(ConfigKey, Object)}.
     *
     * @throws ConfigException if the value is unacceptable
     */
    T validate(T value, String origin) {
        if (value == null) {
            throw new ConfigException(name + " " + origin + " has no value; expected " + expected());
        }
        if (!type.isInstance(value)) {
            throw new ConfigException("Invalid value " + shown(value) + " for " + name + " " + origin
                    + ": expected " + expected());
        }
        String problem = check.problem(value);
        if (problem != null) {
            throw new ConfigException("Invalid value " + shown(value) + " for " + name + " " + origin + ": " + problem);
        }
        return value;
    }

    /**
     * Converts a flag's text or a YAML scalar to this key's type and checks it. Text is parsed
     * strictly: {@code 7350.0} is not an int, and a boolean is {@code true} or {@code false}.
     *
     * @param origin where the value came from, for the message, e.g. "(from --socket.port)"
     * @throws ConfigException naming the key, the value (unless secret) and the expected type
     */
    T convert(Object raw, String origin) {
        if (raw == null) {
            throw new ConfigException(name + " " + origin + " has no value; expected " + expected());
        }
        if (raw instanceof Map || raw instanceof Collection) {
            throw new ConfigException("Invalid value for " + name + " " + origin + ": expected "
                    + expected() + ", got a " + (raw instanceof Map ? "map" : "list"));
        }
        Object value = parse(raw);
        if (value == null) {
            throw new ConfigException("Invalid value " + shown(raw) + " for " + name + " " + origin
                    + ": expected " + expected());
        }
        return validate(type.cast(value), origin);
    }

    /** The value in this key's type, or null if {@code raw} does not denote one. */
    private Object parse(Object raw) {
        if (type == String.class) {
            return raw instanceof String || raw instanceof Number || raw instanceof Boolean ? raw.toString() : null;
        }
        if (type == Boolean.class) {
            if (raw instanceof Boolean) {
                return raw;
            }
            String text = raw instanceof String s ? s.trim() : "";
            return text.equalsIgnoreCase("true") ? Boolean.TRUE : text.equalsIgnoreCase("false") ? Boolean.FALSE : null;
        }
        BigInteger whole;
        if (raw instanceof Integer || raw instanceof Long || raw instanceof BigInteger) {
            whole = new BigInteger(raw.toString());
        } else if (raw instanceof String s) {
            try {
                whole = new BigInteger(s.trim());
            } catch (NumberFormatException e) {
                return null;
            }
        } else {
            return null; // a double, a boolean, a date...
        }
        if (type == Integer.class) {
            return whole.bitLength() < Integer.SIZE ? Integer.valueOf(whole.intValue()) : null;
        }
        return whole.bitLength() < Long.SIZE ? Long.valueOf(whole.longValue()) : null;
    }

    private String expected() {
        return switch (typeName()) {
            case "int" -> "an int (a whole number up to " + Integer.MAX_VALUE + ")";
            case "long" -> "a long (a whole number)";
            case "boolean" -> "a boolean (true or false)";
            default -> "a string";
        };
    }

    /** Quotes a value for a message, unless this key is a secret. */
    private String shown(Object value) {
        return secret ? "(secret)" : "'" + value + "'";
    }
}
