package io.gantry.server.config;

/**
 * Thrown by {@link Config#load(String...)} when the command line asks for {@code --help}: the
 * usage has already been printed to standard output and the caller should exit with status 0.
 * It is deliberately not a {@link ConfigException}, so a caller that turns configuration errors
 * into exit status 1 cannot mistake a help request for one.
 *
 * <pre>{@code
 * Config config;
 * try {
 *     config = Config.load(args);
 * } catch (HelpRequestedException help) {
 *     System.exit(0);
 *     return;
 * } catch (ConfigException e) {
 *     System.err.println(e.getMessage());
 *     System.exit(1);
 *     return;
 * }
 * }</pre>
 */
public final class HelpRequestedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String usage;

    HelpRequestedException(String usage) {
        super("help requested", null, false, false);
        this.usage = usage;
    }

    /** The usage text that was printed. */
    public String usage() {
        return usage;
    }
}
