/**
 * The query-string language of Nakama's match listing and matchmaker (Bleve's query-string
 * syntax), built once for both: {@link io.gantry.query.Query#parse} compiles a query,
 * with a {@link io.gantry.query.QueryParseException} that says where it is wrong;
 * {@link io.gantry.query.Document} is what it is evaluated against (a match label's JSON
 * under {@code label.*}, a ticket's properties under {@code properties.*});
 * {@link io.gantry.query.Query#clauses()} exposes the AST for indexes.
 */
package io.gantry.query;
