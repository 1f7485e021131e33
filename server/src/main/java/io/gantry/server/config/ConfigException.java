package io.gantry.server.config;

/**
 * A configuration the server cannot start with: an unknown setting, a value of the wrong type or
 * out of range, an unreadable YAML file. The message is written for the person running the
 * server (it names the setting, where it came from and what is expected) and never contains the
 * value of a secret, so {@code main} can print it as is and exit with a non-zero status.
 */
public final class ConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ConfigException(String message) {
        super(message);
    }
}
