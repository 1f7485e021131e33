package io.gantry.runtime;

import java.time.Instant;

/** What a write answers for each object: its new version and times. */
public record StorageAck(String collection, String key, String userId, String version,
                         Instant createTime, Instant updateTime) {
}
