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
 * <p>An all-zero owner marks an empty slot, so a probe touches nothing but the slots array. The
 * nil UUID is still a valid key (Nakama's system user): it lives in one extra slot past the
 * table, found without hashing.
 *
 * <p>Not thread-safe: {@link RankIndex} guards it with its lock.
 */
final class OwnerTable {
    private static final int MIN_CAPACITY = 16;
    private static final float LOAD = 0.7f;
    private static final long GOLDEN = 0x9E3779B97F4A7C15L;

    /** capacity + 1 slots of 4 longs; the last one is the nil owner's. */
    private long[] slots;
    private int capacity;
    private int mask;
    private int shift;
    private int size;
    private int resizeAt;
    private boolean nilPresent;

    OwnerTable(int expected) {
        int c = MIN_CAPACITY;
        while (c * LOAD < expected) {
            c <<= 1;
        }
        allocate(c);
    }

    private void allocate(int c) {
        slots = new long[(c + 1) * 4];
        capacity = c;
        mask = c - 1;
        shift = 64 - Integer.numberOfTrailingZeros(c);
        resizeAt = (int) (c * LOAD);
    }

    int size() {
        return size;
    }

    /** How many slots an iteration visits (the table and the nil owner's slot). */
    int slotCount() {
        return capacity + 1;
    }

    boolean used(int slot) {
        if (slot == capacity) {
            return nilPresent;
        }
        return (slots[slot * 4] | slots[slot * 4 + 1]) != 0;
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
        if ((hi | lo) == 0) {
            return nilPresent ? capacity : -1;
        }
        final long[] s = slots;
        int i = home(hi, lo);
        while (true) {
            long h = s[i * 4];
            long l = s[i * 4 + 1];
            if (h == hi && l == lo) {
                return i;
            }
            if ((h | l) == 0) {
                return -1;
            }
            i = (i + 1) & mask;
        }
    }

    /** Adds an owner known to be absent. */
    void insert(long hi, long lo, long score, long subscore) {
        int i;
        if ((hi | lo) == 0) {
            nilPresent = true;
            i = capacity;
        } else {
            if (size >= resizeAt) {
                grow();
            }
            i = home(hi, lo);
            while ((slots[i * 4] | slots[i * 4 + 1]) != 0) {
                i = (i + 1) & mask;
            }
        }
        slots[i * 4] = hi;
        slots[i * 4 + 1] = lo;
        slots[i * 4 + 2] = score;
        slots[i * 4 + 3] = subscore;
        size++;
    }

    /** Removes the entry in {@code slot}, shifting later entries of its probe run back. */
    void removeAt(int slot) {
        size--;
        if (slot == capacity) {
            nilPresent = false;
            return;
        }
        final long[] s = slots;
        int hole = slot;
        s[hole * 4] = 0;
        s[hole * 4 + 1] = 0;
        int j = hole;
        while (true) {
            j = (j + 1) & mask;
            long h = s[j * 4];
            long l = s[j * 4 + 1];
            if ((h | l) == 0) {
                return;
            }
            int home = home(h, l);
            // j's entry may move into the hole unless its home lies cyclically in (hole, j].
            boolean stays = hole <= j ? (hole < home && home <= j) : (hole < home || home <= j);
            if (!stays) {
                System.arraycopy(s, j * 4, s, hole * 4, 4);
                s[j * 4] = 0;
                s[j * 4 + 1] = 0;
                hole = j;
            }
        }
    }

    private void grow() {
        final long[] old = slots;
        final int oldCapacity = capacity;
        allocate(oldCapacity * 2);
        for (int i = 0; i < oldCapacity; i++) {
            if ((old[i * 4] | old[i * 4 + 1]) != 0) {
                int j = home(old[i * 4], old[i * 4 + 1]);
                while ((slots[j * 4] | slots[j * 4 + 1]) != 0) {
                    j = (j + 1) & mask;
                }
                System.arraycopy(old, i * 4, slots, j * 4, 4);
            }
        }
        System.arraycopy(old, oldCapacity * 4, slots, capacity * 4, 4);
    }
}
