package io.qemureactor.core.vm;

import java.util.ArrayList;
import java.util.List;

/** The kernel's CPU list format ({@code 0-3,6,8-9}), as in {@code Cpus_allowed_list} and {@code /sys/devices/system/cpu/online}. */
final class CpuList {

    private CpuList() {
    }

    /** The CPUs of {@code text}, ascending; blank is none. */
    static List<Integer> parse(String text) {
        List<Integer> cpus = new ArrayList<>();
        for (String part : text.strip().split(",")) {
            if (part.isBlank()) {
                continue;
            }
            int dash = part.indexOf('-');
            try {
                if (dash < 0) {
                    cpus.add(Integer.parseInt(part.strip()));
                } else {
                    int from = Integer.parseInt(part.substring(0, dash).strip());
                    int to = Integer.parseInt(part.substring(dash + 1).strip());
                    for (int c = from; c <= to; c++) {
                        cpus.add(c);
                    }
                }
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("not a CPU list: '" + text.strip() + "'", e);
            }
        }
        return cpus;
    }
}
