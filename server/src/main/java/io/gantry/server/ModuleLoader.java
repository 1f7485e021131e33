package io.gantry.server;

import io.gantry.core.runtime.RuntimeRegistry;
import io.gantry.runtime.GantryModule;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import java.util.stream.Stream;

/**
 * Loads server code from module jars: every {@code *.jar} in a folder goes on one class loader
 * (child of the server's, so modules see the runtime API), and each {@link GantryModule} they
 * list in {@code META-INF/services/io.gantry.runtime.GantryModule} registers its handlers.
 */
public final class ModuleLoader {

    private static final Logger LOG = LoggerFactory.getLogger(ModuleLoader.class);

    private ModuleLoader() {
    }

    /** Loads every module in the folder; a missing folder is no error. Returns how many modules registered. */
    public static int loadFolder(Path folder, RuntimeRegistry registry) {
        if (!Files.isDirectory(folder)) {
            LOG.debug("No module folder at {}", folder.toAbsolutePath());
            return 0;
        }
        List<URL> jars = new ArrayList<>();
        try (Stream<Path> files = Files.list(folder)) {
            for (Path jar : files.filter(p -> p.getFileName().toString().endsWith(".jar")).sorted().toList()) {
                jars.add(jar.toUri().toURL());
            }
        } catch (MalformedURLException e) {
            throw new IllegalStateException(e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list module folder " + folder, e);
        }
        if (jars.isEmpty()) {
            return 0;
        }
        ClassLoader loader = new URLClassLoader(jars.toArray(URL[]::new), ModuleLoader.class.getClassLoader());
        int count = 0;
        for (GantryModule module : ServiceLoader.load(GantryModule.class, loader)) {
            module.register(registry);
            count++;
            LOG.info("Loaded module {} from {}", module.getClass().getName(), folder.toAbsolutePath());
        }
        if (count == 0) {
            LOG.warn("{} jar(s) in {} but none lists a {} in META-INF/services", jars.size(),
                    folder.toAbsolutePath(), GantryModule.class.getName());
        }
        return count;
    }
}
