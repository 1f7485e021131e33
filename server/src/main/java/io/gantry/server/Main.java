package io.gantry.server;

import io.gantry.server.config.Config;
import io.gantry.server.config.ConfigException;
import io.gantry.server.config.ConfigKey;
import io.gantry.server.config.ConfigKeys;
import io.gantry.server.config.HelpRequestedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.stream.Collectors;

/**
 * {@code java -jar gantry.jar [--config gantry.yml] [--socket.port 7350] …} runs the server;
 * {@code migrate}, {@code export FILE} and {@code import FILE} (with the same settings) work on its
 * store alone: see {@link StoreCommands}.
 */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) throws Exception {
        // Netty's default leak detection records the stack of one buffer allocation in 128 on the
        // event loops: about 1 % of the server's CPU at the match-relay shape, for a diagnostic.
        // Tests and embedders keep Netty's default; -Dio.netty.leakDetection.level=simple turns it on here.
        if (System.getProperty("io.netty.leakDetection.level") == null) {
            System.setProperty("io.netty.leakDetection.level", "disabled");
        }
        if (args.length > 0 && StoreCommands.isCommand(args[0])) {
            System.exit(StoreCommands.run(args));
            return;
        }
        Config config;
        try {
            config = Config.load(args);
        } catch (HelpRequestedException e) {
            System.exit(0);
            return;
        } catch (ConfigException e) {
            System.err.println("gantry: " + e.getMessage());
            System.err.println("Run with --help for every setting.");
            System.exit(2);
            return;
        }
        Logger log = LoggerFactory.getLogger("gantry");
        GantryServer server = io.gantry.Gantry.builder().config(config).build().start();
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "gantry-shutdown"));
        String address = config.get(ConfigKeys.SOCKET_ADDRESS);
        log.info("Gantry '{}' listening on {}:{} (REST http://{}:{}/v2/…, socket ws://{}:{}/ws{}); data: {}",
                config.get(ConfigKeys.NAME), address, server.port(), address, server.port(), address, server.port(),
                server.tcpPort() == 0 ? "" : ", TCP transport " + address + ":" + server.tcpPort(),
                server.storeDescription());
        if (!config.secretsAtDefault().isEmpty()) {
            log.warn("These secrets still have their public default values; set them before going to production: {}",
                    config.secretsAtDefault().stream().map(ConfigKey::name).collect(Collectors.joining(", ")));
        }
        server.awaitShutdown();
    }
}
