package io.gantry.persistence;

import io.gantry.persistence.StorageStore.Write;
import io.gantry.proto.storage.StoredStorageObject;

import java.nio.file.Path;
import java.util.List;

/**
 * The JVM {@link StorageKillTest} kills: opens a store with synced writes in the directory given
 * and writes storage objects from {@link #THREADS} threads until it is killed, printing
 * {@code ack <key> <version>} once a write has returned. It never closes the store.
 */
final class StorageWriterProcess {

    static final String OWNER = "00000000-0000-4000-8000-00000000a11c";
    static final int THREADS = 4;

    private StorageWriterProcess() {
    }

    public static void main(String[] args) throws Exception {
        RocksStore store = RocksStore.open(Path.of(args[0]), new StoreOptions(true, 4));
        StorageStore storage = store.storage();
        for (int t = 0; t < THREADS; t++) {
            int thread = t;
            Thread writer = new Thread(() -> {
                for (int i = 0; ; i++) {
                    String key = "k" + thread + "-" + i;
                    try {
                        List<StoredStorageObject> acks = storage.write(List.of(
                                new Write("c", key, OWNER, "{\"n\":" + i + "}", "*", 1, 1)), false);
                        synchronized (System.out) {
                            System.out.println("ack " + key + " " + acks.get(0).getVersion());
                            System.out.flush();
                        }
                    } catch (StorageRejectedException e) {
                        throw new IllegalStateException(e);
                    }
                }
            }, "writer-" + t);
            writer.start();
        }
    }
}
