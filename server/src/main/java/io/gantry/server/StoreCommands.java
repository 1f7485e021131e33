package io.gantry.server;

import io.gantry.persistence.PostgresDatabase;
import io.gantry.persistence.PostgresSettings;
import io.gantry.persistence.Store;
import io.gantry.persistence.StoreDump;
import io.gantry.persistence.StoreUnavailableException;
import io.gantry.server.config.Config;
import io.gantry.server.config.ConfigException;
import io.gantry.server.config.ConfigKeys;
import io.gantry.server.config.HelpRequestedException;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * The server's commands that work on its store alone, with no server running, taking the same
 * settings as the server:
 * <ul>
 *   <li>{@code migrate}: applies the PostgreSQL schema migrations this version has (the server also
 *       does at start-up); for a deploy step that migrates before any node starts.</li>
 *   <li>{@code export FILE}: writes every record of the store (RocksDB under {@code data_dir}, or
 *       PostgreSQL at {@code database.address}) to FILE, gzipped when its name ends in {@code .gz}.</li>
 *   <li>{@code import FILE}: reads such a file into the store, which must be empty.</li>
 * </ul>
 *
 * <pre>{@code
 * gantry export data.gz --data_dir ./data
 * gantry import data.gz --database.address postgres://gantry:secret@db:5432/gantry
 * }</pre>
 *
 * Exit status: 0 done, 1 failed (the message says why), 2 wrong arguments or settings.
 */
final class StoreCommands {

    private static final Set<String> COMMANDS = Set.of("migrate", "export", "import");

    private StoreCommands() {
    }

    static boolean isCommand(String word) {
        return COMMANDS.contains(word);
    }

    /** Runs {@code args[0]} with the rest as its file (export, import) and settings; returns the exit status. */
    static int run(String[] args) {
        return run(args, System.out, System.err);
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        String command = args[0];
        boolean needsFile = !command.equals("migrate");
        if (needsFile && (args.length < 2 || args[1].startsWith("--"))) {
            err.println("gantry " + command + ": name the file, as in: gantry " + command + " data.gz [settings]");
            return 2;
        }
        Path file = needsFile ? Path.of(args[1]) : null;
        Config config;
        try {
            config = Config.load(Arrays.copyOfRange(args, needsFile ? 2 : 1, args.length));
        } catch (HelpRequestedException e) {
            return 0;
        } catch (ConfigException e) {
            err.println("gantry: " + e.getMessage());
            return 2;
        }
        String where = GantryServer.storeDescription(config);
        try {
            switch (command) {
                case "migrate" -> {
                    PostgresSettings postgres = GantryServer.postgresSettings(config);
                    if (postgres == null) {
                        err.println("gantry migrate: the embedded store has no schema to migrate; "
                                + "name PostgreSQL with --database.address postgres://user:password@host:5432/gantry");
                        return 2;
                    }
                    try (PostgresDatabase db = PostgresDatabase.connect(postgres)) {
                        int applied = db.migrate();
                        out.println("gantry migrate: " + applied + " migrations applied to " + where);
                    }
                }
                case "export" -> {
                    if (Files.exists(file)) {
                        err.println("gantry export: " + file + " exists; name a new file");
                        return 2;
                    }
                    Map<String, Long> counts;
                    try (Store store = GantryServer.openStore(config);
                         OutputStream os = output(file)) {
                        counts = StoreDump.export(store, GantryServer.postgresSettings(config) == null ? "rocksdb" : "postgres", os);
                    }
                    out.println("gantry export: " + total(counts) + " records from " + where + " to " + file + " " + counts);
                }
                case "import" -> {
                    Map<String, Long> counts;
                    try (Store store = GantryServer.openStore(config);
                         InputStream is = input(file)) {
                        counts = StoreDump.importInto(store, is);
                    }
                    out.println("gantry import: " + total(counts) + " records from " + file + " into " + where + " " + counts);
                }
                default -> throw new IllegalStateException(command);
            }
            return 0;
        } catch (StoreUnavailableException e) {
            err.println("gantry " + command + ": the database is unavailable: " + e.getMessage());
            return 1;
        } catch (IOException | RuntimeException e) {
            err.println("gantry " + command + " failed: " + e.getMessage());
            return 1;
        }
    }

    private static OutputStream output(Path file) throws IOException {
        OutputStream os = new BufferedOutputStream(Files.newOutputStream(file, StandardOpenOption.CREATE_NEW), 1 << 16);
        return file.toString().endsWith(".gz") ? new GZIPOutputStream(os, 1 << 16) : os;
    }

    private static InputStream input(Path file) throws IOException {
        InputStream is = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        return file.toString().endsWith(".gz") ? new GZIPInputStream(is, 1 << 16) : is;
    }

    private static long total(Map<String, Long> counts) {
        return counts.values().stream().mapToLong(Long::longValue).sum();
    }
}
