package io.gantry.core.leaderboard;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.locks.StampedLock;

/**
 * The records of one leaderboard period in rank order, answering "where am I" and "who is around
 * me" in microseconds at a million records: a counted B+tree (every inner node keeps the record
 * count of each child's subtree; leaves keep their keys in primitive {@code long[]}s) plus an
 * {@link OwnerTable} from owner id to (score, subscore).
 *
 * <p>Order, as Nakama 3.18's {@code RankAsc}/{@code RankDesc}: an ascending board orders by score,
 * then subscore, then owner id, each ascending; a descending board by all three descending. Owner
 * ids compare as their canonical lower-case strings do, i.e. as UNSIGNED (most, least significant
 * bits) — not as {@link UUID#compareTo} (signed). Internally every key is stored transformed so
 * that one signed lexicographic comparison of four longs gives the board's order: the owner halves
 * have their sign bit flipped (unsigned → signed order) and, on a descending board, all four
 * values are complemented ({@code ~x} reverses the order of longs without overflow).
 *
 * <p>Costs: {@link #rank}, {@link #entry} and {@link #countBefore} are one table probe plus one
 * root-to-leaf descent (per node a scan of at most 64 scores and a sum of the counts left of the
 * chosen child), O(log n) with no allocation; {@link #put} of an existing owner is a probe, a
 * removal descent and an insertion descent (a split or merge now and then, about 3 bytes
 * allocated per write on average); {@link #range} descends by position and then walks the leaf
 * chain. Removing merges a node that falls under a quarter full into a neighbour where both fit;
 * the tree never needs rebalancing for correctness. Memory: about 110 bytes per record at a
 * million (32-byte keys at 3/4 fill in the tree, and an owner table of 2^21 32-byte slots).
 *
 * <p>JMH ({@code RankIndexBenchmark}, 1,000,000 records, shared 2-core machine): rank 1.2–1.5 µs,
 * moves 460,000/s, the page of 100 around an owner 3–4 µs, the bulk load 0.3–0.5 s.
 *
 * <p>Threads: any thread. A {@link StampedLock} serialises writers and lets readers share; a
 * reader never sees a half-moved entry. The leaderboard service writes under its board's lock, so
 * the write lock is normally uncontended.
 *
 * <pre>{@code
 * RankIndex index = new RankIndex(true);      // descending: highest score first
 * index.put(alice, 120, 0);                   // 1
 * index.put(bob, 150, 0);                     // 1 (alice is now 2)
 * long mine = index.rank(alice);              // 2
 * List<RankIndex.Entry> around = index.range(Math.max(1, mine - 50), 100);
 * }</pre>
 */
public final class RankIndex {
    static final int LEAF_CAPACITY = 64;
    static final int INNER_CAPACITY = 64;
    private static final int LEAF_MIN = LEAF_CAPACITY / 4;
    private static final int INNER_MIN = INNER_CAPACITY / 4;
    /** Bulk-loaded nodes are filled to 3/4 so the first writes do not split at once. */
    private static final int LEAF_FILL = LEAF_CAPACITY * 3 / 4;
    private static final int INNER_FILL = INNER_CAPACITY * 3 / 4;

    private final boolean descending;
    /** 0 on ascending boards, -1 (all bits) on descending ones: {@code x ^ flip} is {@code ~x}. */
    private final long flip;
    private final StampedLock lock = new StampedLock();
    private final OwnerTable owners;
    private Node root;
    /** Write path scratch (under the write lock): the records before the key last inserted. */
    private long before;

    public RankIndex(boolean descending) {
        this(descending, new OwnerTable(16), new Node(true));
    }

    private RankIndex(boolean descending, OwnerTable owners, Node root) {
        this.descending = descending;
        this.flip = descending ? -1L : 0L;
        this.owners = owners;
        this.root = root;
    }

    public boolean descending() {
        return descending;
    }

    /** Sets the owner's entry, inserting it or moving it; returns its 1-based rank after. */
    public long put(UUID owner, long score, long subscore) {
        Objects.requireNonNull(owner, "owner");
        final long hi = owner.getMostSignificantBits();
        final long lo = owner.getLeastSignificantBits();
        final long stamp = lock.writeLock();
        try {
            int slot = owners.find(hi, lo);
            if (slot >= 0) {
                long oldScore = owners.score(slot);
                long oldSubscore = owners.subscore(slot);
                if (oldScore == score && oldSubscore == subscore) {
                    return countBeforeLocked(score ^ flip, subscore ^ flip, k2(hi), k3(lo)) + 1;
                }
                removeKey(oldScore ^ flip, oldSubscore ^ flip, k2(hi), k3(lo));
                owners.set(slot, score, subscore);
            } else {
                owners.insert(hi, lo, score, subscore);
            }
            return insertKey(score ^ flip, subscore ^ flip, k2(hi), k3(lo)) + 1;
        } finally {
            lock.unlockWrite(stamp);
        }
    }

    /** Removes the owner's entry; false if it had none. */
    public boolean remove(UUID owner) {
        Objects.requireNonNull(owner, "owner");
        final long hi = owner.getMostSignificantBits();
        final long lo = owner.getLeastSignificantBits();
        final long stamp = lock.writeLock();
        try {
            int slot = owners.find(hi, lo);
            if (slot < 0) {
                return false;
            }
            removeKey(owners.score(slot) ^ flip, owners.subscore(slot) ^ flip, k2(hi), k3(lo));
            owners.removeAt(slot);
            return true;
        } finally {
            lock.unlockWrite(stamp);
        }
    }

    /** The owner's 1-based rank, 0 if absent. */
    public long rank(UUID owner) {
        Objects.requireNonNull(owner, "owner");
        final long hi = owner.getMostSignificantBits();
        final long lo = owner.getLeastSignificantBits();
        final long stamp = lock.readLock();
        try {
            int slot = owners.find(hi, lo);
            if (slot < 0) {
                return 0;
            }
            return countBeforeLocked(owners.score(slot) ^ flip, owners.subscore(slot) ^ flip, k2(hi), k3(lo)) + 1;
        } finally {
            lock.unlockRead(stamp);
        }
    }

    /** The owner's entry, or null. */
    public Entry entry(UUID owner) {
        Objects.requireNonNull(owner, "owner");
        final long hi = owner.getMostSignificantBits();
        final long lo = owner.getLeastSignificantBits();
        final long stamp = lock.readLock();
        try {
            int slot = owners.find(hi, lo);
            if (slot < 0) {
                return null;
            }
            long score = owners.score(slot);
            long subscore = owners.subscore(slot);
            long rank = countBeforeLocked(score ^ flip, subscore ^ flip, k2(hi), k3(lo)) + 1;
            return new Entry(owner, score, subscore, rank);
        } finally {
            lock.unlockRead(stamp);
        }
    }

    /**
     * How many entries are ordered strictly before the key (score, subscore, owner): the key's
     * rank minus one, whether or not the key is present.
     */
    public long countBefore(long score, long subscore, UUID owner) {
        Objects.requireNonNull(owner, "owner");
        final long k2 = k2(owner.getMostSignificantBits());
        final long k3 = k3(owner.getLeastSignificantBits());
        final long stamp = lock.readLock();
        try {
            return countBeforeLocked(score ^ flip, subscore ^ flip, k2, k3);
        } finally {
            lock.unlockRead(stamp);
        }
    }

    /**
     * Up to {@code max} entries from the 1-based rank {@code from} on, in order (empty past the
     * end). Callers paging around an owner clamp: {@code range(Math.max(1, rank - 50), 100)}.
     *
     * @throws IllegalArgumentException if {@code from < 1} or {@code max < 0}
     */
    public List<Entry> range(long from, int max) {
        if (from < 1) {
            throw new IllegalArgumentException("range: from is a 1-based rank, got " + from);
        }
        if (max < 0) {
            throw new IllegalArgumentException("range: max must not be negative, got " + max);
        }
        final long stamp = lock.readLock();
        try {
            final int total = owners.size();
            if (max == 0 || from > total) {
                return List.of();
            }
            int n = (int) Math.min(max, total - from + 1);
            List<Entry> out = new ArrayList<>(n);
            long pos = from - 1;
            Node node = root;
            while (!node.leaf) {
                final int[] counts = node.counts;
                int i = 0;
                while (pos >= counts[i]) {
                    pos -= counts[i];
                    i++;
                }
                node = node.children[i];
            }
            int i = (int) pos;
            long rank = from;
            final long f = flip;
            while (out.size() < n) {
                while (i >= node.size) {
                    node = node.next;
                    i = 0;
                }
                final long[] r = node.rest;
                final int b = i * 3;
                out.add(new Entry(new UUID(r[b + 1] ^ f ^ Long.MIN_VALUE, r[b + 2] ^ f ^ Long.MIN_VALUE),
                        node.primary[i] ^ f, r[b] ^ f, rank++));
                i++;
            }
            return out;
        } finally {
            lock.unlockRead(stamp);
        }
    }

    public int size() {
        final long stamp = lock.readLock();
        try {
            return owners.size();
        } finally {
            lock.unlockRead(stamp);
        }
    }

    /** One record and its 1-based rank at the time it was read. */
    public record Entry(UUID owner, long score, long subscore, long rank) {}

    /** Bulk load for start-up: add in any order (an owner added twice: the last wins), then build. */
    public static Builder builder(boolean descending) {
        return new Builder(descending);
    }

    /** Collects records (one thread), then builds the tree bottom-up from the sorted keys. */
    public static final class Builder {
        private final boolean descending;
        private OwnerTable owners = new OwnerTable(1024);

        private Builder(boolean descending) {
            this.descending = descending;
        }

        public Builder add(UUID owner, long score, long subscore) {
            Objects.requireNonNull(owner, "owner");
            if (owners == null) {
                throw new IllegalStateException("RankIndex.Builder: already built");
            }
            long hi = owner.getMostSignificantBits();
            long lo = owner.getLeastSignificantBits();
            int slot = owners.find(hi, lo);
            if (slot >= 0) {
                owners.set(slot, score, subscore);
            } else {
                owners.insert(hi, lo, score, subscore);
            }
            return this;
        }

        /** Builds the index; the builder cannot be used afterwards. */
        public RankIndex build() {
            if (owners == null) {
                throw new IllegalStateException("RankIndex.Builder: already built");
            }
            OwnerTable table = owners;
            owners = null;
            long flip = descending ? -1L : 0L;
            int n = table.size();
            long[] keys = new long[n * 4];
            int j = 0;
            for (int slot = 0, cap = table.slotCount(); slot < cap; slot++) {
                if (table.used(slot)) {
                    keys[j] = table.score(slot) ^ flip;
                    keys[j + 1] = table.subscore(slot) ^ flip;
                    keys[j + 2] = table.hi(slot) ^ Long.MIN_VALUE ^ flip;
                    keys[j + 3] = table.lo(slot) ^ Long.MIN_VALUE ^ flip;
                    j += 4;
                }
            }
            sort(keys, n);
            return new RankIndex(descending, table, bulkLoad(keys, n));
        }
    }

    // ---------------------------------------------------------------------------------------
    // The tree. All methods below run under the lock (read or write as their names say).

    /**
     * A node of the counted B+tree. A leaf holds {@code size} keys, 4 longs each, in order, and
     * links to the next leaf. An inner node holds {@code size} children with, per child, its
     * subtree's record count and a lower bound of its keys (key i; the bound of
     * child 0 is not consulted): every key in child i−1 is below bound i, every key in child i at
     * or above it.
     */
    static final class Node {
        final boolean leaf;
        /** The first long of each key (the score), on its own: most comparisons end there, so a
         *  search reads 8 cache lines of a node instead of 32. */
        final long[] primary;
        /** The other three longs of each key (subscore, owner high, owner low), interleaved. */
        final long[] rest;
        final Node[] children;
        final int[] counts;
        int size;
        Node next;

        Node(boolean leaf) {
            this.leaf = leaf;
            int capacity = leaf ? LEAF_CAPACITY : INNER_CAPACITY;
            primary = new long[capacity];
            rest = new long[capacity * 3];
            children = leaf ? null : new Node[INNER_CAPACITY];
            counts = leaf ? null : new int[INNER_CAPACITY];
        }

        /** Signed lexicographic comparison of key {@code i} with (k0, k1, k2, k3). */
        int compareAt(int i, long k0, long k1, long k2, long k3) {
            long x = primary[i];
            if (x != k0) {
                return x < k0 ? -1 : 1;
            }
            final long[] r = rest;
            final int b = i * 3;
            x = r[b];
            if (x != k1) {
                return x < k1 ? -1 : 1;
            }
            x = r[b + 1];
            if (x != k2) {
                return x < k2 ? -1 : 1;
            }
            x = r[b + 2];
            if (x != k3) {
                return x < k3 ? -1 : 1;
            }
            return 0;
        }

        void setKey(int i, long k0, long k1, long k2, long k3) {
            primary[i] = k0;
            rest[i * 3] = k1;
            rest[i * 3 + 1] = k2;
            rest[i * 3 + 2] = k3;
        }

        /** Moves {@code count} keys within this node from {@code from} to {@code to}. */
        void shiftKeys(int from, int to, int count) {
            System.arraycopy(primary, from, primary, to, count);
            System.arraycopy(rest, from * 3, rest, to * 3, count * 3);
        }

        static void copyKeys(Node src, int from, Node dst, int to, int count) {
            System.arraycopy(src.primary, from, dst.primary, to, count);
            System.arraycopy(src.rest, from * 3, dst.rest, to * 3, count * 3);
        }

        /** Key {@code i} as 4 longs, for the tests' invariant check. */
        long[] key(int i) {
            return new long[] {primary[i], rest[i * 3], rest[i * 3 + 1], rest[i * 3 + 2]};
        }

        int count() {
            if (leaf) {
                return size;
            }
            int c = 0;
            for (int i = 0; i < size; i++) {
                c += counts[i];
            }
            return c;
        }
    }

    private long k2(long hi) {
        return hi ^ Long.MIN_VALUE ^ flip;
    }

    private long k3(long lo) {
        return lo ^ Long.MIN_VALUE ^ flip;
    }

    /** Signed lexicographic comparison of the key at {@code a[i..i+3]} with (k0, k1, k2, k3). */
    private static int compareFlat(long[] a, int i, long k0, long k1, long k2, long k3) {
        long x = a[i];
        if (x != k0) {
            return x < k0 ? -1 : 1;
        }
        x = a[i + 1];
        if (x != k1) {
            return x < k1 ? -1 : 1;
        }
        x = a[i + 2];
        if (x != k2) {
            return x < k2 ? -1 : 1;
        }
        x = a[i + 3];
        if (x != k3) {
            return x < k3 ? -1 : 1;
        }
        return 0;
    }

    /*
     * Both searches below scan the node's scores instead of bisecting them: the keys before the
     * given one are the prefix whose score is lower (counted without branches over independent
     * loads, which the CPU overlaps, where a binary search waits on one cache miss after another),
     * then the few keys sharing its score are compared in full.
     */

    /** In a leaf: the first index whose key is at or above the given one (size if none). */
    private static int lowerBound(Node leaf, long k0, long k1, long k2, long k3) {
        final long[] primary = leaf.primary;
        final int size = leaf.size;
        int at = 0;
        for (int i = 0; i < size; i++) {
            at += primary[i] < k0 ? 1 : 0;
        }
        while (at < size && primary[at] == k0 && leaf.compareAt(at, k0, k1, k2, k3) < 0) {
            at++;
        }
        return at;
    }

    /** In an inner node: the last child whose lower bound is at or below the key (0 if none). */
    private static int childIndex(Node inner, long k0, long k1, long k2, long k3) {
        final long[] primary = inner.primary;
        final int size = inner.size;
        int at = 1;
        for (int i = 1; i < size; i++) {
            at += primary[i] < k0 ? 1 : 0;
        }
        while (at < size && primary[at] == k0 && inner.compareAt(at, k0, k1, k2, k3) <= 0) {
            at++;
        }
        return at - 1;
    }

    private long countBeforeLocked(long k0, long k1, long k2, long k3) {
        long acc = 0;
        Node node = root;
        while (!node.leaf) {
            int ci = childIndex(node, k0, k1, k2, k3);
            final int[] counts = node.counts;
            for (int i = 0; i < ci; i++) {
                acc += counts[i];
            }
            node = node.children[ci];
        }
        return acc + lowerBound(node, k0, k1, k2, k3);
    }

    /** Inserts an absent key (write lock); returns how many keys are ordered before it. */
    private long insertKey(long k0, long k1, long k2, long k3) {
        before = 0;
        Node right = insert(root, k0, k1, k2, k3);
        if (right != null) {
            Node left = root;
            Node top = new Node(false);
            top.children[0] = left;
            top.counts[0] = left.count();
            Node.copyKeys(left, 0, top, 0, 1);
            top.children[1] = right;
            top.counts[1] = right.count();
            Node.copyKeys(right, 0, top, 1, 1);
            top.size = 2;
            root = top;
        }
        return before;
    }

    /** Inserts below {@code node}; returns the new right sibling if the node split, else null. */
    private Node insert(Node node, long k0, long k1, long k2, long k3) {
        if (node.leaf) {
            int pos = lowerBound(node, k0, k1, k2, k3);
            before += pos;
            if (node.size < LEAF_CAPACITY) {
                leafInsertAt(node, pos, k0, k1, k2, k3);
                return null;
            }
            Node right = new Node(true);
            int mid = LEAF_CAPACITY / 2;
            Node.copyKeys(node, mid, right, 0, node.size - mid);
            right.size = node.size - mid;
            node.size = mid;
            right.next = node.next;
            node.next = right;
            if (pos <= mid) {
                leafInsertAt(node, pos, k0, k1, k2, k3);
            } else {
                leafInsertAt(right, pos - mid, k0, k1, k2, k3);
            }
            return right;
        }
        int ci = childIndex(node, k0, k1, k2, k3);
        final int[] counts = node.counts;
        for (int i = 0; i < ci; i++) {
            before += counts[i];
        }
        Node split = insert(node.children[ci], k0, k1, k2, k3);
        counts[ci]++;
        if (split == null) {
            return null;
        }
        int splitCount = split.count();
        counts[ci] -= splitCount;
        int at = ci + 1;
        if (node.size < INNER_CAPACITY) {
            innerInsertAt(node, at, split, splitCount);
            return null;
        }
        Node right = new Node(false);
        int mid = INNER_CAPACITY / 2;
        int moved = node.size - mid;
        Node.copyKeys(node, mid, right, 0, moved);
        System.arraycopy(node.children, mid, right.children, 0, moved);
        System.arraycopy(node.counts, mid, right.counts, 0, moved);
        Arrays.fill(node.children, mid, node.size, null);
        right.size = moved;
        node.size = mid;
        if (at <= mid) {
            innerInsertAt(node, at, split, splitCount);
        } else {
            innerInsertAt(right, at - mid, split, splitCount);
        }
        return right;
    }

    private static void leafInsertAt(Node leaf, int pos, long k0, long k1, long k2, long k3) {
        leaf.shiftKeys(pos, pos + 1, leaf.size - pos);
        leaf.setKey(pos, k0, k1, k2, k3);
        leaf.size++;
    }

    /** Inserts {@code child} at {@code at} (at least 1), its bound being its own first key slot. */
    private static void innerInsertAt(Node inner, int at, Node child, int count) {
        int tail = inner.size - at;
        inner.shiftKeys(at, at + 1, tail);
        System.arraycopy(inner.children, at, inner.children, at + 1, tail);
        System.arraycopy(inner.counts, at, inner.counts, at + 1, tail);
        Node.copyKeys(child, 0, inner, at, 1);
        inner.children[at] = child;
        inner.counts[at] = count;
        inner.size++;
    }

    /** Removes a present key (write lock). */
    private void removeKey(long k0, long k1, long k2, long k3) {
        if (!remove(root, k0, k1, k2, k3)) {
            throw new IllegalStateException("RankIndex: the owner table and the tree disagree");
        }
        while (!root.leaf && root.size == 1) {
            root = root.children[0];
        }
    }

    private boolean remove(Node node, long k0, long k1, long k2, long k3) {
        if (node.leaf) {
            int pos = lowerBound(node, k0, k1, k2, k3);
            if (pos >= node.size || node.compareAt(pos, k0, k1, k2, k3) != 0) {
                return false;
            }
            node.shiftKeys(pos + 1, pos, node.size - pos - 1);
            node.size--;
            return true;
        }
        int ci = childIndex(node, k0, k1, k2, k3);
        Node child = node.children[ci];
        if (!remove(child, k0, k1, k2, k3)) {
            return false;
        }
        node.counts[ci]--;
        if (child.size < (child.leaf ? LEAF_MIN : INNER_MIN)) {
            int cap = child.leaf ? LEAF_CAPACITY : INNER_CAPACITY;
            if (ci > 0 && node.children[ci - 1].size + child.size <= cap) {
                merge(node, ci - 1);
            } else if (ci + 1 < node.size && node.children[ci + 1].size + child.size <= cap) {
                merge(node, ci);
            }
        }
        return true;
    }

    /** Merges child {@code i + 1} of {@code parent} into child {@code i}; the two fit in one node. */
    private static void merge(Node parent, int i) {
        Node left = parent.children[i];
        Node right = parent.children[i + 1];
        if (left.leaf) {
            Node.copyKeys(right, 0, left, left.size, right.size);
            left.next = right.next;
        } else {
            // right's first bound becomes the separator the parent held for it
            Node.copyKeys(parent, i + 1, right, 0, 1);
            Node.copyKeys(right, 0, left, left.size, right.size);
            System.arraycopy(right.children, 0, left.children, left.size, right.size);
            System.arraycopy(right.counts, 0, left.counts, left.size, right.size);
        }
        left.size += right.size;
        parent.counts[i] += parent.counts[i + 1];
        int tail = parent.size - i - 2;
        parent.shiftKeys(i + 2, i + 1, tail);
        System.arraycopy(parent.children, i + 2, parent.children, i + 1, tail);
        System.arraycopy(parent.counts, i + 2, parent.counts, i + 1, tail);
        parent.size--;
        parent.children[parent.size] = null;
    }

    /**
     * Tests only: checks the tree's invariants (counts, key order, bounds, the leaf chain, one
     * key per owner) and throws {@link AssertionError} on the first broken one.
     */
    void verify() {
        final long stamp = lock.readLock();
        try {
            long[] last = {Long.MIN_VALUE, Long.MIN_VALUE, Long.MIN_VALUE, Long.MIN_VALUE};
            boolean[] any = {false};
            Node[] chain = {null};
            int total = verify(root, null, null, last, any, chain, true);
            if (total != owners.size()) {
                throw new AssertionError("tree holds " + total + " keys, owner table " + owners.size());
            }
            if (chain[0] != null && chain[0].next != null) {
                throw new AssertionError("leaf chain runs past the last leaf");
            }
        } finally {
            lock.unlockRead(stamp);
        }
    }

    private int verify(Node node, long[] lowerBound, long[] upperBound, long[] last, boolean[] any,
                       Node[] chain, boolean isRoot) {
        if (!isRoot && node.size == 0 && !node.leaf) {
            throw new AssertionError("empty inner node");
        }
        if (node.leaf) {
            if (chain[0] != null && chain[0].next != node) {
                throw new AssertionError("leaf chain skips a leaf");
            }
            chain[0] = node;
            for (int i = 0; i < node.size; i++) {
                if (any[0] && node.compareAt(i, last[0], last[1], last[2], last[3]) <= 0) {
                    throw new AssertionError("keys out of order");
                }
                if (lowerBound != null
                        && node.compareAt(i, lowerBound[0], lowerBound[1], lowerBound[2], lowerBound[3]) < 0) {
                    throw new AssertionError("key below its subtree's bound");
                }
                if (upperBound != null
                        && node.compareAt(i, upperBound[0], upperBound[1], upperBound[2], upperBound[3]) >= 0) {
                    throw new AssertionError("key at or above the next subtree's bound");
                }
                long[] key = node.key(i);
                System.arraycopy(key, 0, last, 0, 4);
                any[0] = true;
                long hi = key[2] ^ flip ^ Long.MIN_VALUE;
                long lo = key[3] ^ flip ^ Long.MIN_VALUE;
                int slot = owners.find(hi, lo);
                if (slot < 0 || (owners.score(slot) ^ flip) != key[0] || (owners.subscore(slot) ^ flip) != key[1]) {
                    throw new AssertionError("tree key without its owner table entry");
                }
            }
            return node.size;
        }
        int total = 0;
        for (int i = 0; i < node.size; i++) {
            long[] bound = i == 0 ? lowerBound : node.key(i);
            long[] upper = i + 1 < node.size ? node.key(i + 1) : upperBound;
            int c = verify(node.children[i], bound, upper, last, any, chain, false);
            if (c != node.counts[i]) {
                throw new AssertionError("count " + node.counts[i] + " for a subtree of " + c);
            }
            total += c;
        }
        return total;
    }

    // ---------------------------------------------------------------------------------------
    // Bulk load.

    /** Builds leaves at 3/4 fill from sorted keys, then the inner levels above them. */
    private static Node bulkLoad(long[] keys, int n) {
        if (n == 0) {
            return new Node(true);
        }
        int leaves = (n + LEAF_FILL - 1) / LEAF_FILL;
        Node[] level = new Node[leaves];
        int[] counts = new int[leaves];
        int start = 0;
        Node previous = null;
        for (int l = 0; l < leaves; l++) {
            int end = (int) ((long) n * (l + 1) / leaves); // spread evenly: no tiny last leaf
            Node leaf = new Node(true);
            for (int k = start; k < end; k++) {
                int b = k * 4;
                leaf.setKey(k - start, keys[b], keys[b + 1], keys[b + 2], keys[b + 3]);
            }
            leaf.size = end - start;
            if (previous != null) {
                previous.next = leaf;
            }
            previous = leaf;
            level[l] = leaf;
            counts[l] = leaf.size;
            start = end;
        }
        while (level.length > 1) {
            int parents = (level.length + INNER_FILL - 1) / INNER_FILL;
            Node[] up = new Node[parents];
            int[] upCounts = new int[parents];
            start = 0;
            for (int p = 0; p < parents; p++) {
                int end = (int) ((long) level.length * (p + 1) / parents);
                Node inner = new Node(false);
                int total = 0;
                for (int c = start; c < end; c++) {
                    int at = c - start;
                    inner.children[at] = level[c];
                    inner.counts[at] = counts[c];
                    Node.copyKeys(level[c], 0, inner, at, 1);
                    total += counts[c];
                }
                inner.size = end - start;
                up[p] = inner;
                upCounts[p] = total;
                start = end;
            }
            level = up;
            counts = upCounts;
        }
        return level[0];
    }

    /** Sorts {@code n} keys of 4 longs each: a bottom-up merge sort (stable, O(n log n)). */
    private static void sort(long[] keys, int n) {
        long[] a = keys;
        long[] b = new long[keys.length];
        // insertion sort runs of 16 first: cheaper than merging tiny runs
        final int run = 16;
        for (int s = 0; s < n; s += run) {
            int e = Math.min(n, s + run);
            for (int i = s + 1; i < e; i++) {
                long x0 = a[i * 4];
                long x1 = a[i * 4 + 1];
                long x2 = a[i * 4 + 2];
                long x3 = a[i * 4 + 3];
                int j = i - 1;
                while (j >= s && compareFlat(a, j * 4, x0, x1, x2, x3) > 0) {
                    System.arraycopy(a, j * 4, a, j * 4 + 4, 4);
                    j--;
                }
                int d = (j + 1) * 4;
                a[d] = x0;
                a[d + 1] = x1;
                a[d + 2] = x2;
                a[d + 3] = x3;
            }
        }
        for (int width = run; width < n; width *= 2) {
            for (int lo = 0; lo < n; lo += 2 * width) {
                int mid = Math.min(n, lo + width);
                int hi = Math.min(n, lo + 2 * width);
                int i = lo;
                int j = mid;
                int o = lo;
                while (i < mid && j < hi) {
                    if (compareFlat(a, j * 4, a[i * 4], a[i * 4 + 1], a[i * 4 + 2], a[i * 4 + 3]) < 0) {
                        System.arraycopy(a, j * 4, b, o * 4, 4);
                        j++;
                    } else {
                        System.arraycopy(a, i * 4, b, o * 4, 4);
                        i++;
                    }
                    o++;
                }
                System.arraycopy(a, i * 4, b, o * 4, (mid - i) * 4);
                o += mid - i;
                System.arraycopy(a, j * 4, b, o * 4, (hi - j) * 4);
            }
            long[] t = a;
            a = b;
            b = t;
        }
        if (a != keys) {
            System.arraycopy(a, 0, keys, 0, n * 4);
        }
    }
}
