package io.qemureactor.core.fleet;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/**
 * A set of host CPU ids in the kernel's list notation ({@code 0-3,6}, as in
 * {@code /sys/devices/system/cpu/online} and {@code taskset -c}). Immutable. Used for the CPUs a
 * host offers for pinning and the disjoint subsets the ledger hands out, and printed in the same
 * notation in messages so they can be compared with what {@code taskset} shows.
 */
public final class CpuSet {

    /** No CPU id above this is accepted: a guard against typos such as {@code 0-100000}. */
    public static final int MAX_CPU = 4095;

    private static final CpuSet EMPTY = new CpuSet(new BitSet());

    private final BitSet bits;

    private CpuSet(BitSet bits) {
        this.bits = bits;
    }

    /**
     * The empty set (printed {@code none}).
     *
     * @return the shared empty set
     */
    public static CpuSet empty() {
        return EMPTY;
    }

    /**
     * CPUs {@code 0..count-1}.
     *
     * @param count how many CPUs, from id 0 up
     * @return the set {@code 0-(count-1)}; empty for 0
     * @throws IllegalArgumentException if {@code count} is negative
     */
    public static CpuSet firstN(int count) {
        if (count < 0) {
            throw new IllegalArgumentException("CPU count " + count + " is negative");
        }
        BitSet b = new BitSet();
        b.set(0, count);
        return new CpuSet(b);
    }

    /**
     * The given CPU ids; duplicates are ignored.
     *
     * @param ids CPU ids, each in {@code 0..}{@link #MAX_CPU}
     * @return the set of those ids
     * @throws IllegalArgumentException if an id is outside {@code 0..}{@link #MAX_CPU}
     */
    public static CpuSet of(int... ids) {
        BitSet b = new BitSet();
        for (int id : ids) {
            check(id, String.valueOf(id));
            b.set(id);
        }
        return new CpuSet(b);
    }

    /**
     * Parses {@code 0-3,6,8-9} (spaces around the parts are ignored; an empty string is the empty set).
     *
     * @param list the kernel's list notation, e.g. the content of {@code /sys/devices/system/cpu/online}
     * @return the set it denotes
     * @throws IllegalArgumentException naming the part that is not a CPU id or range, or a range that
     *         ends before it starts, or an id outside {@code 0..}{@link #MAX_CPU}
     */
    public static CpuSet parse(String list) {
        BitSet b = new BitSet();
        if (list.isBlank()) {
            return EMPTY;
        }
        for (String raw : list.split(",", -1)) {
            String part = raw.strip();
            int dash = part.indexOf('-');
            try {
                if (dash < 0) {
                    int id = Integer.parseInt(part);
                    check(id, part);
                    b.set(id);
                } else {
                    int from = Integer.parseInt(part.substring(0, dash).strip());
                    int to = Integer.parseInt(part.substring(dash + 1).strip());
                    check(from, part);
                    check(to, part);
                    if (to < from) {
                        throw new IllegalArgumentException("'" + list + "' is not a CPU list: range '" + part
                                + "' ends before it starts");
                    }
                    b.set(from, to + 1);
                }
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("'" + list + "' is not a CPU list: '" + part
                        + "' is neither a CPU id nor a range (expected e.g. 0-3,6)");
            }
        }
        return new CpuSet(b);
    }

    private static void check(int id, String part) {
        if (id < 0 || id > MAX_CPU) {
            throw new IllegalArgumentException("CPU id " + part + " is outside 0.." + MAX_CPU);
        }
    }

    /**
     * The number of CPUs in the set.
     *
     * @return the CPU count
     */
    public int size() {
        return bits.cardinality();
    }

    /**
     * Whether the set has no CPU.
     *
     * @return {@code true} for the empty set
     */
    public boolean isEmpty() {
        return bits.isEmpty();
    }

    /**
     * Whether {@code cpu} is in the set.
     *
     * @param cpu a CPU id; negative ids are never contained
     * @return {@code true} if the set holds it
     */
    public boolean contains(int cpu) {
        return cpu >= 0 && bits.get(cpu);
    }

    /**
     * The ids in ascending order.
     *
     * @return a new array of the ids
     */
    public int[] toArray() {
        return bits.stream().toArray();
    }

    /**
     * The ids in ascending order.
     *
     * @return an unmodifiable list of the ids
     */
    public List<Integer> ids() {
        return bits.stream().boxed().toList();
    }

    /**
     * The CPUs of this set that are not in {@code other}.
     *
     * @param other the CPUs to remove
     * @return a new set; this one is unchanged
     */
    public CpuSet minus(CpuSet other) {
        BitSet b = (BitSet) bits.clone();
        b.andNot(other.bits);
        return new CpuSet(b);
    }

    /**
     * The CPUs in this set, in {@code other}, or in both.
     *
     * @param other the CPUs to add
     * @return a new set; this one is unchanged
     */
    public CpuSet union(CpuSet other) {
        BitSet b = (BitSet) bits.clone();
        b.or(other.bits);
        return new CpuSet(b);
    }

    /**
     * Whether the two sets share at least one CPU.
     *
     * @param other the set to compare with
     * @return {@code true} if some CPU is in both
     */
    public boolean intersects(CpuSet other) {
        return bits.intersects(other.bits);
    }

    /**
     * The {@code count} lowest ids of this set.
     *
     * @param count how many CPUs to take
     * @return a new set of the {@code count} lowest ids
     * @throws IllegalArgumentException if this set has fewer than {@code count} CPUs
     */
    public CpuSet lowest(int count) {
        if (count > size()) {
            throw new IllegalArgumentException("asked for " + count + " CPUs of " + this + ", which has " + size());
        }
        BitSet b = new BitSet();
        int id = bits.nextSetBit(0);
        for (int i = 0; i < count; i++) {
            b.set(id);
            id = bits.nextSetBit(id + 1);
        }
        return new CpuSet(b);
    }

    /** The list notation: {@code 0-3,6}; {@code none} for the empty set. */
    @Override
    public String toString() {
        if (bits.isEmpty()) {
            return "none";
        }
        List<String> parts = new ArrayList<>();
        int start = bits.nextSetBit(0);
        while (start >= 0) {
            int end = bits.nextClearBit(start) - 1;
            parts.add(end == start ? Integer.toString(start) : start + "-" + end);
            start = bits.nextSetBit(end + 1);
        }
        return String.join(",", parts);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CpuSet other && bits.equals(other.bits);
    }

    @Override
    public int hashCode() {
        return bits.hashCode();
    }
}
