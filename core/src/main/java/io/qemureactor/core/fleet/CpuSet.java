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

    public static CpuSet empty() {
        return EMPTY;
    }

    /** CPUs {@code 0..count-1}. */
    public static CpuSet firstN(int count) {
        if (count < 0) {
            throw new IllegalArgumentException("CPU count " + count + " is negative");
        }
        BitSet b = new BitSet();
        b.set(0, count);
        return new CpuSet(b);
    }

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
     * @throws IllegalArgumentException naming the part that is not a CPU id or range
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

    public int size() {
        return bits.cardinality();
    }

    public boolean isEmpty() {
        return bits.isEmpty();
    }

    public boolean contains(int cpu) {
        return cpu >= 0 && bits.get(cpu);
    }

    /** The ids in ascending order. */
    public int[] toArray() {
        return bits.stream().toArray();
    }

    public List<Integer> ids() {
        return bits.stream().boxed().toList();
    }

    /** The CPUs of this set that are not in {@code other}. */
    public CpuSet minus(CpuSet other) {
        BitSet b = (BitSet) bits.clone();
        b.andNot(other.bits);
        return new CpuSet(b);
    }

    public CpuSet union(CpuSet other) {
        BitSet b = (BitSet) bits.clone();
        b.or(other.bits);
        return new CpuSet(b);
    }

    public boolean intersects(CpuSet other) {
        return bits.intersects(other.bits);
    }

    /** The {@code count} lowest ids of this set; fails when it has fewer. */
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
