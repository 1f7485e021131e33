package io.gantry.runtime;

/**
 * {@code GET /v2/group}: a page of groups. A null field does not filter.
 *
 * @param name    case-insensitive, {@code %} and {@code _} are wildcards (leading {@code %} and spaces
 *                are ignored); cannot be combined with the other filters
 * @param langTag exact
 * @param members groups with at most this many members; -1 (or null) does not filter
 * @param limit   1–100, null for 1 (sic, Nakama's default)
 * @param cursor  "" for the first page, else the previous page's cursor
 */
public record GroupListRequest(String name, String langTag, Boolean open, Integer members, Integer limit,
                               String cursor) {
}
