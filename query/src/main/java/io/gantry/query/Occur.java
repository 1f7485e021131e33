package io.gantry.query;

/** How a {@link Clause} takes part in a {@link Query}: its prefix in the query string. */
public enum Occur {
    /** Prefix {@code +}: the document must match the clause. */
    MUST,
    /** Prefix {@code -}: the document must not match the clause. */
    MUST_NOT,
    /**
     * No prefix: when the query has no {@link #MUST} clause at least one SHOULD clause must
     * match; when it has one, SHOULD clauses only add to the score.
     */
    SHOULD;

    /** The query-string prefix of this occurrence: {@code "+"}, {@code "-"} or {@code ""}. */
    public String prefix() {
        return switch (this) {
            case MUST -> "+";
            case MUST_NOT -> "-";
            case SHOULD -> "";
        };
    }
}
