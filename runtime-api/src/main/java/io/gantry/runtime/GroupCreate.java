package io.gantry.runtime;

/**
 * {@code POST /v2/group}: a new group, its creator its superadmin.
 *
 * @param name     required, unique (case-sensitively), at most 255 characters
 * @param langTag  null or "" for "en"; at most 18 characters
 * @param maxCount 0 for 100; negative is refused
 * @param metadata a JSON object, or null for "{}"; only server code sets it (a client's is ignored)
 */
public record GroupCreate(String name, String description, String langTag, String avatarUrl, boolean open,
                          int maxCount, String metadata) {
}
