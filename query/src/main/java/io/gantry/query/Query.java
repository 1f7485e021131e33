package io.gantry.query;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A compiled query in the query-string language Nakama uses for match listing ({@code query}
 * on {@code GET /v2/match}, over a match's JSON label, fields {@code label.<key>}) and for the
 * matchmaker (over a ticket's properties, fields {@code properties.<key>}): Bleve's
 * query-string syntax. Parse once with {@link #parse}, then evaluate against many
 * {@link Document}s with {@link #matches} and {@link #score}. Immutable and thread-safe.
 *
 * <h2>Grammar</h2>
 * <pre>
 * query   := space* ( clause ( space+ clause )* )? space*     empty or blank: match everything
 * clause  := prefix? base boost?
 * prefix  := '+'                                            MUST match
 *          | '-'                                            MUST NOT match
 *                                                           (none: SHOULD match)
 * base    := field ':' value                                a value of the field
 *          | bare                                           a value of any field
 * value   := word                                           term, or wildcard if it has * or ?
 *          | '"' phrase '"'                                 exact string, spaces included
 *          | '/' regex '/'                                  whole-value regular expression
 *          | ( '&gt;' | '&gt;=' | '&lt;' | '&lt;=' ) number                numeric range
 *          | '*'                                            the field has any value
 * bare    := word | '"' phrase '"' | '/' regex '/' | '*'    ('*' alone: every document)
 * boost   := '^' positive-decimal                           multiplies the clause's score
 * field   := word, a dotted path: label.mode, label.a.b, properties.region
 * number  := [+-]? digits ( '.' digits )? ( [eE] [+-]? digits )?  |  '"' number '"'
 * word    := ( any character but space : ^ ( ) ~ "  |  '\' any character )+
 * </pre>
 * A backslash makes the next character literal in words ({@code \:} {@code \ } {@code \+}
 * {@code \-} {@code \*} {@code \?} {@code \(} {@code \\}), in phrases ({@code \"}) and, for
 * {@code \/}, in regular expressions (other escapes there are the regex's own). {@code +} and
 * {@code -} are prefixes only at the start of a clause ({@code label.x:-5} is the number -5).
 * Parentheses, fuzzy {@code ~} and ranges without a field are rejected, as Bleve has no
 * grouping; so are unquoted {@code "} and {@code :} inside values.
 *
 * <h2>Semantics</h2>
 * A document matches when every MUST clause matches, no MUST_NOT clause matches and, if there
 * is no MUST clause, at least one SHOULD clause matches (with MUST clauses, SHOULD clauses only
 * add to the score). A query with only MUST_NOT clauses matches everything not excluded.
 * Terms are exact and case-sensitive; a term that spells a number also equals numeric values
 * ({@code label.level:5} matches 5 and 5.0); booleans are the terms {@code true} and
 * {@code false}; ranges match numeric values only; an array field matches when any element
 * does. See {@link Matcher} for each kind of value.
 *
 * <h2>Score</h2>
 * {@link #score} is 0 for a document that does not match; otherwise the sum of the boosts
 * (default 1) of the MUST and SHOULD clauses it matches, or 1 when the query has no MUST or
 * SHOULD clause. So {@code score(d) > 0} exactly when {@code matches(d)}, and ordering
 * candidates by descending score is how boosts order them.
 *
 * <h2>Examples</h2>
 * <pre>{@code
 * +label.skill:>=50 +label.mode:ranked        skill at least 50 and mode "ranked"
 * +properties.region:eu +properties.rank:>=5 +properties.rank:<=10
 * -label.mode:casual                          anything but casual
 * label.tags:pvp                              {"tags":["pvp","eu"]} matches
 * +label.name:arena* label.map:"Big Map"^2    any arena; the Big Map ones first
 * +label.code:/[A-Z]{3}-[0-9]+/               regular expression over the whole value
 * properties.region:eu^3 properties.region:us any of the two, eu first
 * ranked                                      any field whose value is "ranked"
 * *                                           everything (as is the empty query)
 * }</pre>
 *
 * <pre>{@code
 * Query q = Query.parse("+label.skill:>=50 +label.mode:ranked");   // throws QueryParseException
 * Document d = Document.fromJson("label", "{\"skill\":55,\"mode\":\"ranked\"}");
 * q.matches(d);   // true
 * q.score(d);     // 2.0
 * }</pre>
 *
 * <h2>For indexes</h2>
 * {@link #clauses()} is the AST: each {@link Clause} has its {@link Occur}, its field (null for
 * any field), a sealed {@link Matcher} ({@link Matcher.Term}, {@link Matcher.Phrase},
 * {@link Matcher.Range}, {@link Matcher.Wildcard}, {@link Matcher.Regex},
 * {@link Matcher.MatchAll}) and its boost, enough to look up postings by {@code field:term} and
 * numeric range structures, then confirm with {@link #matches}.
 *
 * <p>Evaluation allocates nothing, except for regular-expression clauses (one
 * {@link java.util.regex.Matcher} per value tested).
 */
public final class Query {

    private static final Clause MATCH_ALL_CLAUSE = Clause.of(Occur.SHOULD, null, Matcher.MatchAll.INSTANCE);
    private static final Query MATCH_ALL = new Query("*", List.of(MATCH_ALL_CLAUSE));

    private final String text;
    private final List<Clause> clauses;
    private final Clause[] must;
    private final Clause[] mustNot;
    private final Clause[] should;
    private final boolean matchAll;

    private Query(String text, List<Clause> clauses) {
        this.text = text;
        this.clauses = List.copyOf(clauses);
        List<Clause> mu = new ArrayList<>();
        List<Clause> mn = new ArrayList<>();
        List<Clause> sh = new ArrayList<>();
        for (Clause c : this.clauses) {
            switch (c.occur()) {
                case MUST -> mu.add(c);
                case MUST_NOT -> mn.add(c);
                case SHOULD -> sh.add(c);
            }
        }
        this.must = mu.toArray(new Clause[0]);
        this.mustNot = mn.toArray(new Clause[0]);
        this.should = sh.toArray(new Clause[0]);
        this.matchAll = computeMatchAll();
    }

    /**
     * Parses and compiles a query string (grammar above). An empty, blank or null text matches
     * everything, as {@code *} does.
     *
     * @throws QueryParseException when the text does not parse; its message says what and where
     */
    public static Query parse(String text) throws QueryParseException {
        if (text == null || text.isBlank()) {
            return text == null || text.isEmpty() ? MATCH_ALL : new Query(text, List.of(MATCH_ALL_CLAUSE));
        }
        List<Clause> clauses = QueryParser.parse(text);
        // Only separators (the parser's spaces include Unicode space separators, which isBlank
        // does not): as blank, so that the text prints as "*" and parses back equal.
        return new Query(text, clauses.isEmpty() ? List.of(MATCH_ALL_CLAUSE) : clauses);
    }

    /**
     * A query of the given clauses, for queries built in code (for example to widen a search).
     * No clauses at all matches everything. {@link #text()} is the clauses in query syntax.
     */
    public static Query of(List<Clause> clauses) {
        List<Clause> copy = List.copyOf(clauses);
        StringBuilder b = new StringBuilder();
        for (Clause c : copy) {
            if (b.length() > 0) {
                b.append(' ');
            }
            b.append(c);
        }
        return new Query(b.toString(), copy);
    }

    /** The query that matches every document: {@code *}. */
    public static Query matchAll() {
        return MATCH_ALL;
    }

    /** The text this query was parsed from (for {@link #of}, its clauses in query syntax). */
    public String text() {
        return text;
    }

    /** The clauses, in query order. An empty or blank query has one: SHOULD {@code *}. */
    public List<Clause> clauses() {
        return clauses;
    }

    /** Whether this query matches every document (as {@code *}, {@code +*} or an empty query). */
    public boolean isMatchAll() {
        return matchAll;
    }

    /** Whether the document matches (see the class documentation). Allocates nothing. */
    public boolean matches(Document document) {
        Objects.requireNonNull(document, "document");
        for (Clause c : must) {
            if (!c.matches(document)) {
                return false;
            }
        }
        for (Clause c : mustNot) {
            if (c.matches(document)) {
                return false;
            }
        }
        if (must.length > 0 || should.length == 0) {
            return true;
        }
        for (Clause c : should) {
            if (c.matches(document)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The document's score: 0 when it does not match; otherwise the sum of the boosts of the
     * MUST and SHOULD clauses it matches, or 1 when the query has neither. Allocates nothing.
     */
    public double score(Document document) {
        Objects.requireNonNull(document, "document");
        double score = 0;
        for (Clause c : must) {
            if (!c.matches(document)) {
                return 0;
            }
            score += c.boost();
        }
        for (Clause c : mustNot) {
            if (c.matches(document)) {
                return 0;
            }
        }
        boolean anyShould = false;
        for (Clause c : should) {
            if (c.matches(document)) {
                score += c.boost();
                anyShould = true;
            }
        }
        if (must.length == 0) {
            if (should.length == 0) {
                return 1.0;
            }
            if (!anyShould) {
                return 0;
            }
        }
        return score;
    }

    /**
     * The query in canonical query-string syntax; it parses back to equal clauses (except for
     * a {@link Matcher.Range} with both bounds, built in code, which the syntax cannot express
     * in one clause).
     */
    @Override
    public String toString() {
        if (clauses.isEmpty()) {
            return "*";
        }
        StringBuilder b = new StringBuilder();
        for (Clause c : clauses) {
            if (b.length() > 0) {
                b.append(' ');
            }
            b.append(c);
        }
        return b.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Query q && q.clauses.equals(clauses);
    }

    @Override
    public int hashCode() {
        return clauses.hashCode();
    }

    private boolean computeMatchAll() {
        if (mustNot.length > 0) {
            return false;
        }
        for (Clause c : must) {
            if (!isGlobalMatchAll(c)) {
                return false;
            }
        }
        if (must.length > 0 || should.length == 0) {
            return true;
        }
        for (Clause c : should) {
            if (isGlobalMatchAll(c)) {
                return true;
            }
        }
        return false;
    }

    private static boolean isGlobalMatchAll(Clause c) {
        return c.field() == null && c.matcher() instanceof Matcher.MatchAll;
    }
}
