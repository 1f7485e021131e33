package io.gantry.server.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * Reads a YAML settings file into dotted names and raw values: nested maps become dotted names
 * ({@code socket: {port: 7351}} is {@code socket.port}), and a dotted name may also be written
 * at any level ({@code socket.port: 7351}). Names are not checked here; {@link Config} does that.
 */
final class YamlConfigFile {
    private YamlConfigFile() {
    }

    /**
     * @return dotted name to the value found (a scalar, or null, a map or a list for the caller to reject)
     * @throws ConfigException if the file cannot be read or parsed, or sets a name twice
     */
    static Map<String, Object> read(Path file) {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        Object document;
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            document = new Yaml(new SafeConstructor(options)).load(reader);
        } catch (NoSuchFileException e) {
            throw new ConfigException("Config file not found: " + file);
        } catch (IOException e) {
            throw new ConfigException("Cannot read config file " + file + ": " + e.getMessage());
        } catch (MarkedYAMLException e) {
            // Only the problem and its position: the snippet SnakeYAML quotes may hold a secret.
            var mark = e.getProblemMark();
            throw new ConfigException("Cannot parse config file " + file
                    + (mark == null ? "" : " at line " + (mark.getLine() + 1) + ", column " + (mark.getColumn() + 1))
                    + ": " + e.getProblem());
        } catch (YAMLException e) {
            throw new ConfigException("Cannot parse config file " + file);
        }
        Map<String, Object> settings = new LinkedHashMap<>();
        if (document == null) {
            return settings; // an empty file, or only comments
        }
        if (!(document instanceof Map<?, ?> map)) {
            throw new ConfigException("Config file " + file + " must be a map of settings, e.g. 'socket:\\n  port: 7351'");
        }
        flatten("", map, settings, file);
        return settings;
    }

    private static void flatten(String prefix, Map<?, ?> map, Map<String, Object> into, Path file) {
        for (Map.Entry<?, ?> entry : map.entrySet()) {
            String name = prefix + entry.getKey();
            Object value = entry.getValue();
            boolean key = ConfigKeys.byName(name).isPresent();
            if (!key && value instanceof Map<?, ?> section) {
                flatten(name + ".", section, into, file);
            } else if (!key && value == null && ConfigKeys.isSection(name)) {
                continue; // "socket:" with every entry commented out
            } else if (into.containsKey(name)) {
                throw new ConfigException("Config file " + file + " sets " + name + " twice");
            } else {
                into.put(name, value);
            }
        }
    }
}
