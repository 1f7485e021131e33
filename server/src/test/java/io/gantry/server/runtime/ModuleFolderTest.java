package io.gantry.server.runtime;

import com.google.gson.JsonParser;
import io.gantry.Gantry;
import io.gantry.server.GantryServer;
import io.gantry.server.config.Config;
import io.gantry.server.config.ConfigKeys;
import io.gantry.server.testing.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A jar in the module folder listing a GantryModule in META-INF/services is loaded at start-up. */
class ModuleFolderTest {

    @Test
    void aModuleJarInTheFolderRegistersItsFunctions(@TempDir Path dir) throws Exception {
        Path modules = Files.createDirectories(dir.resolve("modules"));
        writeServiceJar(modules.resolve("echo-module.jar"), EchoModule.class.getName());
        Config config = Config.defaults()
                .with(ConfigKeys.SOCKET_ADDRESS, "127.0.0.1")
                .with(ConfigKeys.SOCKET_PORT, 0)
                .with(ConfigKeys.DATA_DIR, dir.resolve("data").toString())
                .with(ConfigKeys.RUNTIME_PATH, modules.toString());
        GantryServer server = Gantry.builder().config(config).build().start();
        try {
            HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + server.port() + "/v2/rpc/module_echo?http_key=defaulthttpkey"))
                    .POST(HttpRequest.BodyPublishers.ofString("\"hi\"")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, response.statusCode(), response.body());
            assertEquals("module:hi", JsonParser.parseString(response.body()).getAsJsonObject().get("payload").getAsString());
        } finally {
            server.close();
        }
    }

    @Test
    void aMissingFolderIsNoError(@TempDir Path dir) throws Exception {
        Config config = Config.defaults()
                .with(ConfigKeys.SOCKET_ADDRESS, "127.0.0.1")
                .with(ConfigKeys.SOCKET_PORT, 0)
                .with(ConfigKeys.DATA_DIR, dir.resolve("data").toString())
                .with(ConfigKeys.RUNTIME_PATH, dir.resolve("absent").toString());
        Gantry.builder().config(config).build().start().close();
    }

    /** A jar holding only the service file: the class itself comes from the test class path. */
    static void writeServiceJar(Path jar, String implementation) throws IOException {
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream jarOut = new JarOutputStream(out)) {
            jarOut.putNextEntry(new JarEntry("META-INF/services/io.gantry.runtime.GantryModule"));
            jarOut.write((implementation + "\n").getBytes(StandardCharsets.UTF_8));
            jarOut.closeEntry();
        }
    }

    @SuppressWarnings("unused")
    private static final Class<?> FIXTURES = TestServer.class;
}
