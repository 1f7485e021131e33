package io.gantry.runtime;

/**
 * {@code GET /v2/friend}: a page of the caller's list.
 *
 * @param limit  1–1000, or null for 1000
 * @param state  0 friends, 1 invites sent, 2 invites received, 3 blocked; null for all
 * @param cursor "" for the first page, else the previous page's cursor
 */
public record FriendListRequest(Integer limit, Integer state, String cursor) {
}
