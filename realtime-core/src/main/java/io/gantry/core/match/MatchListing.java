package io.gantry.core.match;

import io.gantry.query.Document;
import io.gantry.query.Query;
import io.gantry.query.QueryParseException;
import io.gantry.runtime.MatchInfo;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What {@code GET /v2/match} lists. Owners (the router for relayed matches, match workers for
 * authoritative ones) report changes at any time; they become visible when {@link #publish}
 * runs, every {@code match.label_update_interval_ms}, so a label that changes every tick costs
 * one re-index per interval, not one per tick. Readers see an immutable snapshot: no locks.
 */
public final class MatchListing {

    /** A listed match with its label parsed once for queries. */
    private record Entry(MatchInfo info, Document document) {
    }

    private static final Object REMOVED = new Object();

    private final ConcurrentHashMap<String, Object> pending = new ConcurrentHashMap<>();
    private volatile Map<String, Entry> visible = Map.of();
    /** The authoritative matches of the cluster's other nodes, as last read (none on a single node). */
    private volatile Map<String, Entry> remote = Map.of();

    /** Reports a match's current listing (new, resized or relabelled). Any thread. */
    public void update(MatchInfo info) {
        pending.put(info.matchId(), info);
    }

    /** Reports that a match ended. Any thread. */
    public void remove(String matchId) {
        pending.put(matchId, REMOVED);
    }

    /** Makes reported changes visible. One thread at a time (the server's scheduler). */
    public synchronized void publish() {
        if (pending.isEmpty()) {
            return;
        }
        Map<String, Entry> next = new HashMap<>(visible);
        for (String id : List.copyOf(pending.keySet())) {
            Object change = pending.remove(id);
            if (change == REMOVED) {
                next.remove(id);
            } else if (change instanceof MatchInfo info) {
                Entry previous = next.get(id);
                Document document = previous != null && previous.info().label().equals(info.label())
                        ? previous.document()
                        : Document.fromJson("label", info.label());
                next.put(id, new Entry(info, document));
            }
        }
        visible = Map.copyOf(next);
    }

    /** The visible entry of a match, if any (another node's too, in a cluster). */
    public MatchInfo get(String matchId) {
        Entry entry = visible.get(matchId);
        if (entry == null) {
            entry = remote.get(matchId);
        }
        return entry == null ? null : entry.info();
    }

    /** The authoritative matches this node runs, as visible now: what a cluster shares. Any thread. */
    public List<MatchInfo> ownAuthoritative() {
        List<MatchInfo> own = new ArrayList<>();
        for (Entry entry : visible.values()) {
            if (entry.info().authoritative()) {
                own.add(entry.info());
            }
        }
        return own;
    }

    /**
     * Replaces what the cluster's other nodes run (authoritative matches; relayed ones are in every
     * node's directory already). A label is parsed again only when it changed. One thread at a time.
     */
    public synchronized void replaceRemote(List<MatchInfo> others) {
        Map<String, Entry> previous = remote;
        Map<String, Entry> next = new HashMap<>();
        for (MatchInfo info : others) {
            if (visible.containsKey(info.matchId())) {
                continue;
            }
            Entry old = previous.get(info.matchId());
            Document document = old != null && old.info().label().equals(info.label())
                    ? old.document() : Document.fromJson("label", info.label());
            next.put(info.matchId(), new Entry(info, document));
        }
        remote = Map.copyOf(next);
    }

    /**
     * Lists matches as Nakama does: filters on kind, exact label and size; a query (over the
     * label's fields, {@code +label.mode:ranked}) keeps authoritative matches whose label
     * matches, best score first. A query, even an empty one (which matches every label), takes
     * precedence over {@code label}, which is then ignored, as in Nakama's registry: nakama-js sends
     * {@code label=} with every {@code listMatches} that names a query.
     *
     * @throws QueryParseException when the query does not parse
     */
    public List<MatchInfo> list(int limit, Boolean authoritative, String label, Integer minSize, Integer maxSize,
                                String query) throws QueryParseException {
        boolean byQuery = query != null;
        Query parsed = query == null || query.isBlank() ? null : Query.parse(query);
        if (byQuery) {
            label = null;
        }
        List<Entry> found = new ArrayList<>();
        Map<String, Entry> others = remote;
        List<Entry> all = new ArrayList<>(visible.size() + others.size());
        all.addAll(visible.values());
        all.addAll(others.values());
        for (Entry entry : all) {
            MatchInfo info = entry.info();
            if (authoritative != null && info.authoritative() != authoritative) {
                continue;
            }
            if (label != null && !label.equals(info.label())) {
                continue;
            }
            if (minSize != null && info.size() < minSize) {
                continue;
            }
            if (maxSize != null && info.size() > maxSize) {
                continue;
            }
            if (byQuery && (!info.authoritative() || (parsed != null && !parsed.matches(entry.document())))) {
                continue;
            }
            found.add(entry);
        }
        if (parsed != null) {
            found.sort(Comparator.comparingDouble((Entry e) -> parsed.score(e.document())).reversed()
                    .thenComparing(e -> e.info().matchId()));
        } else {
            found.sort(Comparator.comparing((Entry e) -> e.info().matchId()));
        }
        List<MatchInfo> result = new ArrayList<>(Math.min(limit, found.size()));
        for (int i = 0; i < found.size() && i < limit; i++) {
            result.add(found.get(i).info());
        }
        return result;
    }

    /** Matches currently visible. */
    public int size() {
        return visible.size();
    }
}
