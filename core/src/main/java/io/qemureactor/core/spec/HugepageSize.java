package io.qemureactor.core.spec;

/** The size of the huge pages in a hugetlbfs mount; guest memory must be a whole number of them. */
public enum HugepageSize {
    /** 2 MiB pages, the x86 default. */
    SIZE_2M(2),
    /** 1 GiB pages. */
    SIZE_1G(1024);

    private final int mib;

    HugepageSize(int mib) {
        this.mib = mib;
    }

    /** {@return the page size in MiB} */
    public int mib() {
        return mib;
    }

    @Override
    public String toString() {
        return this == SIZE_2M ? "2M" : "1G";
    }
}
