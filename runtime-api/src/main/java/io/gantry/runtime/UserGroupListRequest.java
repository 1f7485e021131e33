package io.gantry.runtime;

/**
 * {@code GET /v2/user/{id}/group}: a page of a user's groups (never those they are banned from).
 *
 * @param limit  1–100, null for 100
 * @param state  0–4, or null for every state
 * @param cursor "" for the first page, else the previous page's cursor
 */
public record UserGroupListRequest(String userId, Integer limit, Integer state, String cursor) {
}
