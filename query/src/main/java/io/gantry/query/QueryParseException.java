package io.gantry.query;

/**
 * A query string that does not parse. The message says what is wrong and where, for example
 * {@code unexpected end of query after '+label.skill:>=' at position 15} or
 * {@code unterminated quoted phrase starting at position 12}; it is meant to be shown to the
 * client as is (Nakama's {@code BAD_INPUT}).
 */
public final class QueryParseException extends Exception {

    private static final long serialVersionUID = 1L;

    private final int position;
    private final String query;

    public QueryParseException(String message, int position, String query) {
        super(message);
        this.position = position;
        this.query = query;
    }

    /**
     * The 0-based character index in {@link #query()} where the problem is; the query's length
     * when the query ends too early.
     */
    public int position() {
        return position;
    }

    /** The query string that failed to parse. */
    public String query() {
        return query;
    }
}
