package io.qemureactor.cli;

import picocli.CommandLine;

/** {@code qemu-reactor --version}: the tool's own version, from the jar's manifest. */
final class ToolVersion implements CommandLine.IVersionProvider {

    @Override
    public String[] getVersion() {
        String v = Main.class.getPackage().getImplementationVersion();
        return new String[] {"qemu-reactor " + (v == null ? "(development build)" : v)};
    }
}
