package io.gantry.cluster;

import java.nio.charset.StandardCharsets;

/** The names a cluster uses in Redis (docs/CLUSTER.md). */
final class RedisKeys {

    static final byte[] NODES = bytes("gantry:nodes");
    static final byte[] BUS_ALL = bytes("gantry:bus:all");

    private RedisKeys() {
    }

    static byte[] node(String name) {
        return bytes("gantry:node:" + name);
    }

    static byte[] bus(String node) {
        return bytes("gantry:bus:" + node);
    }

    static byte[] bytes(String value) {
        return value.getBytes(StandardCharsets.UTF_8);
    }

    static String string(byte[] value) {
        return new String(value, StandardCharsets.UTF_8);
    }
}
