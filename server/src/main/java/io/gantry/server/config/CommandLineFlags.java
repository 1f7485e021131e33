package io.gantry.server.config;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.Help;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * The command line, built with picocli from the {@link ConfigKeys} registry: one option per key
 * ({@code --socket.port 7351} or {@code --socket.port=7351}), plus {@code --config <file>} and
 * {@code -h}/{@code --help}. Every option takes exactly one value, booleans included.
 *
 * <p>Options are declared as strings and converted by {@link ConfigKey#convert}, so a flag and a
 * YAML entry are checked by the same code and fail with the same messages.
 */
final class CommandLineFlags {
    static final String CONFIG_OPTION = "--config";

    /** What the command line said: the YAML file, if any, and the raw value of each flag given. */
    record Parsed(Optional<Path> configFile, Map<ConfigKey<?>, String> values) {
    }

    private CommandLineFlags() {
    }

    static CommandSpec spec() {
        CommandSpec spec = CommandSpec.create().name("gantry");
        spec.usageMessage()
                .customSynopsis("gantry [--config <file.yml>] [--<setting> <value>]...")
                .description("Gantry: a realtime game server speaking the Nakama client protocol.",
                        "Settings come from their defaults, then the YAML file, then these flags; later ones win.",
                        "")
                .sortOptions(false)
                .width(124)
                .longOptionsMaxWidth(45)
                .footer("",
                        "Example file (nested sections or dotted keys):",
                        "  name: gantry1",
                        "  socket:",
                        "    port: 7351",
                        "    server_key: mysecretkey",
                        "  matchmaker.rev_precision: true",
                        "",
                        "Example flags:",
                        "  gantry --config gantry.yml --socket.port 7352 --session.token_expiry_sec=120");
        spec.addOption(OptionSpec.builder(CONFIG_OPTION).type(String.class).arity("1").paramLabel("<file.yml>")
                .description("YAML file of settings.").build());
        for (ConfigKey<?> key : ConfigKeys.ALL) {
            String shownDefault = key.isSecret() ? "(secret)" : String.valueOf(key.defaultValue());
            spec.addOption(OptionSpec.builder("--" + key.name())
                    .type(String.class)
                    .arity("1")
                    .paramLabel("<" + key.typeName() + ">")
                    .description(key.description(), "Default: " + shownDefault + ".")
                    .build());
        }
        spec.addOption(OptionSpec.builder("-h", "--help").usageHelp(true)
                .description("Print this help and exit.").build());
        return spec;
    }

    private static CommandLine commandLine() {
        CommandLine commandLine = new CommandLine(spec());
        commandLine.setExpandAtFiles(false);            // "@x" is a value, not a file to read
        commandLine.setAbbreviatedOptionsAllowed(false);
        commandLine.setOverwrittenOptionsAllowed(false); // a repeated flag is an error
        return commandLine;
    }

    static String usage() {
        return commandLine().getUsageMessage(Help.Ansi.OFF);
    }

    /**
     * @throws HelpRequestedException on {@code -h} or {@code --help} (nothing is printed here)
     * @throws ConfigException on an unknown option, a missing value or a repeated option
     */
    static Parsed parse(String... args) {
        CommandLine commandLine = commandLine();
        ParseResult result;
        try {
            result = commandLine.parseArgs(args);
        } catch (UnmatchedArgumentException e) {
            throw new ConfigException(unmatched(e));
        } catch (ParameterException e) {
            throw new ConfigException("Invalid command line: " + e.getMessage() + " (see --help)");
        }
        if (result.isUsageHelpRequested()) {
            throw new HelpRequestedException(commandLine.getUsageMessage(Help.Ansi.OFF));
        }
        Map<ConfigKey<?>, String> values = new LinkedHashMap<>();
        for (ConfigKey<?> key : ConfigKeys.ALL) {
            if (result.hasMatchedOption("--" + key.name())) {
                values.put(key, result.matchedOptionValue("--" + key.name(), ""));
            }
        }
        Optional<Path> file = result.hasMatchedOption(CONFIG_OPTION)
                ? Optional.of(Path.of(result.<String>matchedOptionValue(CONFIG_OPTION, "")))
                : Optional.empty();
        return new Parsed(file, values);
    }

    /** "Unknown option '--socket.prot'; did you mean '--socket.port'?" (values are never echoed). */
    private static String unmatched(UnmatchedArgumentException e) {
        String option = e.getUnmatched().stream().filter(a -> a.startsWith("-")).findFirst().orElse(null);
        if (option == null) {
            return "Unexpected argument on the command line; settings are given as --<setting> <value> (see --help)";
        }
        int equals = option.indexOf('=');
        String name = (equals < 0 ? option : option.substring(0, equals)).replaceFirst("^-+", "");
        return "Unknown option '" + (equals < 0 ? option : option.substring(0, equals)) + "'"
                + ConfigKeys.suggest(name).map(s -> "; did you mean '--" + s + "'?").orElse("")
                + " (see --help for every setting)";
    }
}
