package io.gantry.runtime;

/**
 * {@code GET /v2/storage/{collection}}: a page of a collection.
 *
 * @param userId whose objects; "" for every user's public objects
 * @param limit  1–100, or null for the default
 * @param cursor "" for the first page, else the previous page's cursor
 */
public record StorageListRequest(String userId, String collection, Integer limit, String cursor) {
}
