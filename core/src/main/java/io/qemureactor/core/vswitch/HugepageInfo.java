package io.qemureactor.core.vswitch;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Free huge pages from {@code /proc/meminfo}: how much memory a switch could take from them. */
final class HugepageInfo {

    private static final Pattern FREE = Pattern.compile("HugePages_Free:\\s+(\\d+)");
    private static final Pattern SIZE = Pattern.compile("Hugepagesize:\\s+(\\d+) kB");

    private HugepageInfo() {
    }

    static long freeMib(String meminfo) {
        Matcher free = FREE.matcher(meminfo);
        Matcher size = SIZE.matcher(meminfo);
        if (!free.find() || !size.find()) {
            return 0;
        }
        return Long.parseLong(free.group(1)) * Long.parseLong(size.group(1)) / 1024;
    }
}
