package io.gantry.persistence;

import io.gantry.persistence.StorageStore.ObjectKey;
import io.gantry.proto.storage.StoredStorageObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Acknowledged means durable, for storage writes that sync in groups: a JVM writing objects from
 * several threads ({@link StorageWriterProcess}) is killed with SIGKILL while it writes (no
 * close, no final WAL sync), and every object it acknowledged is there, with the acknowledged
 * version, when the store is opened again. (A process kill leaves what reached the OS; losing
 * power would also drop what was not fsynced, which a test cannot do. {@link WalSyncTest} and
 * the group sync's contract cover that an acknowledgement waits for an fsync covering it.)
 */
class StorageKillTest {

    private static final int ACKS_BEFORE_KILL = 400;

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void everyAcknowledgedWriteSurvivesAKill() throws Exception {
        Path data = dir.resolve("data");
        Path log = dir.resolve("writer.log");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process process = new ProcessBuilder(java, "-Xmx128m", "-cp", System.getProperty("java.class.path"),
                StorageWriterProcess.class.getName(), data.toString())
                .redirectError(log.toFile())
                .start();
        Map<String, String> acked = new LinkedHashMap<>();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while (acked.size() < ACKS_BEFORE_KILL && (line = out.readLine()) != null) {
                record(acked, line);
            }
            assertEquals(ACKS_BEFORE_KILL, acked.size(), () -> "the writer stopped early:\n" + readLog(log));
            process.toHandle().destroyForcibly();   // SIGKILL while the writers write (Process.destroy* would close our end of its output)
            assertTrue(process.waitFor(30, TimeUnit.SECONDS), "the writer did not die");
            while ((line = out.readLine()) != null) {
                if (line.startsWith("ack ") && line.split(" ").length == 3) {
                    record(acked, line);   // complete lines printed before the kill are acknowledgements too
                }
            }
        }

        try (RocksStore store = RocksStore.open(data, new StoreOptions(true, 4))) {
            List<ObjectKey> keys = new ArrayList<>();
            for (String key : acked.keySet()) {
                keys.add(new ObjectKey("c", key, StorageWriterProcess.OWNER));
            }
            Map<String, String> found = new LinkedHashMap<>();
            for (StoredStorageObject o : store.storage().read(keys)) {
                found.put(o.getKey(), o.getVersion());
            }
            for (Map.Entry<String, String> ack : acked.entrySet()) {
                assertEquals(ack.getValue(), found.get(ack.getKey()), "acknowledged object " + ack.getKey() + " after the kill");
            }
        }
    }

    private static void record(Map<String, String> acked, String line) {
        String[] parts = line.split(" ");
        assertEquals("ack", parts[0], line);
        acked.put(parts[1], parts[2]);
    }

    private static String readLog(Path log) {
        try {
            return Files.readString(log);
        } catch (Exception e) {
            return "(no log: " + e + ")";
        }
    }
}
