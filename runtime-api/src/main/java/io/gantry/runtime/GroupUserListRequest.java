package io.gantry.runtime;

/**
 * {@code GET /v2/group/{id}/user}: a page of a group's users, by state then position.
 *
 * @param limit  1–100, null for 100
 * @param state  0–4, or null for every state but banned
 * @param cursor "" for the first page, else the previous page's cursor
 */
public record GroupUserListRequest(String groupId, Integer limit, Integer state, String cursor) {
}
