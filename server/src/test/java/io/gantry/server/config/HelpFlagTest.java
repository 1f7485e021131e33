package io.gantry.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class HelpFlagTest {
    @Test
    void helpPrintsUsageAndSignalsExit() {
        for (String flag : new String[] {"--help", "-h"}) {
            PrintStream stdout = System.out;
            ByteArrayOutputStream captured = new ByteArrayOutputStream();
            HelpRequestedException help;
            try {
                System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
                help = assertThrows(HelpRequestedException.class, () -> Config.load("--socket.port", "7351", flag));
            } finally {
                System.setOut(stdout);
            }
            assertEquals(help.usage(), captured.toString(StandardCharsets.UTF_8));
        }
    }

    @Test
    void usageListsEveryKeyWithItsDefaultAndHidesSecrets() {
        String usage = Config.usage();
        for (ConfigKey<?> key : ConfigKeys.ALL) {
            assertTrue(usage.contains("--" + key.name() + "=<" + key.typeName() + ">"), key.name());
        }
        assertTrue(usage.contains("Default: 7350."), usage);
        assertTrue(usage.contains("Default: 0.0.0.0."), usage);
        assertTrue(usage.contains("Default: (secret)."), usage);
        assertTrue(usage.contains("--config"), usage);
    }
}
