package io.qemureactor.core.host;

import java.util.Map;

/** Which Debian package provides each program the engine runs, for "how to fix it" hints. */
public final class Packages {

    private static final Map<String, String> DEBIAN = Map.of(
            "qemu-system-x86_64", "qemu-system-x86",
            "qemu-system-aarch64", "qemu-system-arm",
            "qemu-img", "qemu-utils",
            "qemu-ga", "qemu-guest-agent",
            "socat", "socat",
            "taskset", "util-linux",
            "chrt", "util-linux",
            "dpdk-testpmd", "dpdk-dev");

    private Packages() {
    }

    /**
     * "install it with: apt-get install PACKAGE", or a generic hint for a program we do not know.
     *
     * @param program the program's name, e.g. {@code qemu-system-x86_64}
     * @return a one-line hint for an error message, never null
     */
    public static String installHint(String program) {
        String pkg = DEBIAN.get(program);
        return pkg == null ? "install it or put it on the PATH" : "install it with: apt-get install " + pkg;
    }
}
