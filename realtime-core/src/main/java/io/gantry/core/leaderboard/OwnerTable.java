package io.gantry.core.leaderboard;

/**
 * Owner id → (score, subscore): an open-addressing hash table keyed by the two halves of a UUID,
 * with linear probing and backward-shift deletion, its slots interleaved in one {@code long[]}
 * (owner high bits, owner low bits, score, subscore) so a probe reads one cache line.
 *
 * <p>Why not Agrona: its primitive maps are keyed by one {@code int} or {@code long}; an owner
 * is 128 bits, and an {@code Object2ObjectHashMap<UUID, …>} would allocate a key per lookup and
 * a boxed value per write. Lookups here allocate nothing.
 *
 * <p>Not thread-safe: {@link RankIndex} guards it with its lock. The nil UUID is a valid key
 * (Nakama's system user), so occupancy is kept in its own array rather than by a sentinel id.
 */
final class OwnerTable {
    private static final int MIN_CAPACITY = 16;
    private static final float LOAD = 0.7f;
    private static final long GOLDEN = 0x9E3779B97F4A7C15L;

    private long[] slots;
    private boolean[] used;
    private int mask;
    private int shift;
    private int size;
    private int resizeAt;

    OwnerTable(int expected) {
        int capacity = MIN_CAPACITY;
        while (capacity * LOAD < expected) {
            capacity <<= 1;
        }
        allocate(capacity);
    }

    private void allocate(int capacity) {
        slots = new long[capacity * 4];
        used = new boolean[capacity];
        mask = capacity - 1;
        shift = 64 - Integer.numberOfTrailingZeros(capacity);
        resizeAt = (int) (capacity * LOAD);
    }

    int size() {
        return size;
    }

    int capacity() {
        return used.length;
    }

    boolean used(int slot) {
        return used[slot];
    }

    long hi(int slot) {
        return slots[slot * 4];
    }

    long lo(int slot) {
        return slots[slot * 4 + 1];
    }

    long score(int slot) {
        return slots[slot * 4 + 2];
    }

    long subscore(int slot) {
        return slots[slot * 4 + 3];
    }

    void set(int slot, long score, long subscore) {
        slots[slot * 4 + 2] = score;
        slots[slot * 4 + 3] = subscore;
    }

    private int home(long hi, long lo) {
        // Fibonacci hashing on a mix of both halves: random (v4) ids are already uniform, this
        // also spreads sequential or time-ordered ids.
        return (int) (((hi ^ Long.rotateLeft(lo, 29)) * GOLDEN) >>> shift);
    }

    /** The slot holding the owner, or -1. */
    int find(long hi, long lo) {
        final long[] s = slots;
        final boolean[] u = used;
        int i = home(hi, lo);
        while (u[i]) {
            if (s[i * 4] == hi && s[i * 4 + 1] == lo) {
                return i;
            }
            i = (i + 1) & mask;
        }
        return -1;
    }

    /** Adds an owner known to be absent; returns its slot (valid until the next insert or remove). */
    int insert(long hi, long lo, long score, long subscore) {
        if (size >= resizeAt) {
            grow();
        }
        int i = home(hi, lo);
        while (used[i]) {
            i = (i + 1) & mask;
        }
        used[i] = true;
        slots[i * 4] = hi;
        slots[i * 4 + 1] = lo;
        slots[i * 4 + 2] = score;
        slots[i * 4 + 3] = subscore;
        size++;
        return i;
    }

    /** Removes the entry in {@code slot}, shifting later entries of its probe run back. */
    void removeAt(int slot) {
        final long[] s = slots;
        final boolean[] u = used;
        int hole = slot;
        u[hole] = false;
        size--;
        int j = hole;
        while (true) {
            j = (j + 1) & mask;
            if (!u[j]) {
                return;
            }
            int h = home(s[j * 4], s[j * 4 + 1]);
            // j's entry may move into the hole unless its home lies cyclically in (hole, j].
            boolean stays = hole <= j ? (hole < h && h <= j) : (hole < h || h <= j);
            if (!stays) {
                System.arraycopy(s, j * 4, s, hole * 4, 4);
                u[hole] = true;
                u[j] = false;
                hole = j;
            }
        }
    }

    private void grow() {
        long[] oldSlots = slots;
        boolean[] oldUsed = used;
        allocate(oldUsed.length * 2);
        for (int i = 0; i < oldUsed.length; i++) {
            if (oldUsed[i]) {
                int j = home(oldSlots[i * 4], oldSlots[i * 4 + 1]);
                while (used[j]) {
                    j = (j + 1) & mask;
                }
                used[j] = true;
                System.arraycopy(oldSlots, i * 4, slots, j * 4, 4);
            }
        }
    }
}
