package io.gantry.runtime;

/**
 * {@code PUT /v2/group/{id}}: the fields to change; a null field is left as it is.
 *
 * @param metadata a JSON object; only server code may change it (a client's is ignored)
 * @param maxCount only server code may change it; null or 0 leaves it
 */
public record GroupUpdate(String groupId, String name, String description, String langTag, String avatarUrl,
                          Boolean open, String metadata, Integer maxCount) {

    /** The fields a client may change. */
    public GroupUpdate(String groupId, String name, String description, String langTag, String avatarUrl,
                       Boolean open) {
        this(groupId, name, description, langTag, avatarUrl, open, null, null);
    }
}
