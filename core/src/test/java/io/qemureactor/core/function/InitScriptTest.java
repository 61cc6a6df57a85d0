package io.qemureactor.core.function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.qemureactor.core.spec.HugepageSize;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The init script: golden for VPP, testpmd and a user command; {@code sh -n} accepts each; values that
 * would inject shell code reach the shell as literal values; invalid parameters are named. The script
 * itself is never run here (it mounts and powers off): only the lines that carry values are.
 */
class InitScriptTest {

    private static final Path RUN = Path.of("/tmp/qr/vnf1");
    private static final String[] HOSTILE = {
        "it's", "$(touch /tmp/qr-pwned)", "`id`", "a \"b\" c", "x; poweroff -f", "*", "$HOME", "\\n", "", "--",
    };

    @Test
    void vppInitScriptMatchesItsGoldenFileAndIsValidShell() {
        KernelVmFunction vpp = KernelVmFunction.vpp(2, 1, false, VppRunningConfig.l2CrossConnect(),
                "vpp v23.10-release");
        String script = initScriptOf(vpp);
        Golden.assertMatches("init-vpp.sh", script);
        assertThat(Sh.syntaxCheck(script).exitCode()).isZero();
        assertThat(script).contains("qr_bind_vfio 0000:00:06.0\nqr_bind_vfio 0000:00:07.0\n")
                .contains("qr_runtime_folder /run/vpp\n")
                .contains("set -- /usr/bin/vpp -c /tmp/qr/vnf1/vpp-startup.conf\n")
                .contains("\npoweroff -f\n");
    }

    @Test
    void testpmdInitScriptMatchesItsGoldenFileAndIsValidShell() {
        String script = initScriptOf(KernelVmFunction.testpmdIo(2, 1));
        Golden.assertMatches("init-testpmd-io.sh", script);
        assertThat(Sh.syntaxCheck(script).exitCode()).isZero();
        assertThat(script).contains("# no runtime folders\n");
    }

    @Test
    void userCommandInitScriptMatchesItsGoldenFileAndIsValidShell() {
        KernelVmFunction hello = KernelVmFunction.command("/bin/sh", "-c", "echo hello from the function; sleep 1")
                .withName("hello");
        String script = initScriptOf(hello);
        Golden.assertMatches("init-command.sh", script);
        assertThat(Sh.syntaxCheck(script).exitCode()).isZero();
        assertThat(script).contains("# no NICs to bind\n");
    }

    @Test
    void hostileArgumentsReachTheFunctionLiterally() {
        List<String> argv = new java.util.ArrayList<>(List.of("/opt/my nf/bin/run"));
        argv.addAll(Arrays.asList(HOSTILE));
        String script = InitScript.builder().functionName("nf").command(argv).build().render();
        assertThat(Sh.syntaxCheck(script).exitCode()).as("sh -n").isZero();

        String setLine = lineStartingWith(script, "set -- ");
        Sh.Result r = Sh.exec(setLine + "\nprintf '%s\\0' \"$@\"");
        assertThat(r.exitCode()).as(r.stderr()).isZero();
        assertThat(r.stdout().split("\0", -1)).containsExactlyElementsOf(withTrailingEmpty(argv));
        assertThat(Path.of("/tmp/qr-pwned")).doesNotExist();
    }

    @Test
    void hostileRuntimeFolderIsOneLiteralArgument() {
        String folder = "/run/it's $(touch /tmp/qr-pwned) `id`";
        String script = InitScript.builder().functionName("nf").command(List.of("/bin/true"))
                .runtimeFolder(Path.of(folder)).build().render();
        assertThat(Sh.syntaxCheck(script).exitCode()).isZero();
        String line = lineStartingWith(script, "qr_runtime_folder ");
        Sh.Result r = Sh.exec("qr_runtime_folder() { printf '%s|%s' \"$#\" \"$1\"; }\n" + line);
        assertThat(r.stdout()).isEqualTo("1|" + folder);
        assertThat(Path.of("/tmp/qr-pwned")).doesNotExist();
    }

    @Test
    void anAbsentNicIsSkippedWithAConsoleLine() {
        String script = InitScript.builder().functionName("nf").command(List.of("/bin/true"))
                .nic(PciAddress.parse("0000:ff:1f.7")).build().render();
        String function = script.substring(script.indexOf("qr_bind_vfio() {"));
        function = function.substring(0, function.indexOf("\n}\n") + 3);
        Sh.Result r = Sh.exec("qr_log() { printf '%s\\n' \"$*\"; }\n" + function + "qr_bind_vfio 0000:ff:1f.7");
        assertThat(r.exitCode()).isZero();
        assertThat(r.stdout()).isEqualTo("NIC 0000:ff:1f.7 is absent: not bound to vfio-pci\n");
    }

    @Test
    void uioBindingInsertsTheKitModulesThenBindsEachNic() {
        InitScript init = InitScript.builder().functionName("testpmd-io").command(List.of("/usr/bin/dpdk-testpmd"))
                .nics(List.of(PciAddress.parse("0000:00:06.0"), PciAddress.parse("0000:00:07.0")))
                .nicBinding(NicBinding.uioPciGeneric(List.of(Path.of("/kit/modules/uio.ko"),
                        Path.of("/kit/modules/uio_pci_generic.ko"))))
                .build();
        String script = init.render();
        assertThat(Sh.syntaxCheck(script).exitCode()).isZero();
        assertThat(script).containsSubsequence("insmod /kit/modules/uio.ko", "insmod /kit/modules/uio_pci_generic.ko",
                "qr_bind_driver 0000:00:06.0 uio_pci_generic", "qr_bind_driver 0000:00:07.0 uio_pci_generic");
        assertThat(script).doesNotContain("qr_bind_vfio '");
        String function = script.substring(script.indexOf("qr_bind_driver() {"));
        function = function.substring(0, function.indexOf("\n}\n") + 3);
        Sh.Result r = Sh.exec("qr_log() { printf '%s\\n' \"$*\"; }\n" + function + "qr_bind_driver 0000:ff:1f.7 uio_pci_generic");
        assertThat(r.stdout()).isEqualTo("NIC 0000:ff:1f.7 is absent: not bound to uio_pci_generic\n");
    }

    @Test
    void consoleAndHugepageSizeAreParameters() {
        String script = InitScript.builder().functionName("nf").command(List.of("/bin/true")).console("ttyAMA0")
                .hugepageSize(HugepageSize.SIZE_1G).build().render();
        assertThat(script).contains("qr_console=/dev/ttyAMA0\n").contains("pagesize=1G ");
    }

    @Test
    void invalidParametersAreNamed() {
        assertThatThrownBy(() -> PciAddress.parse("0000:00:06.0; reboot"))
                .isInstanceOf(InvalidFunctionConfigException.class).hasMessageStartingWith("pciAddress: ");
        assertThatThrownBy(() -> PciAddress.parse("0000:00:06.8")).hasMessageStartingWith("pciAddress: ");
        assertThatThrownBy(() -> PciAddress.parse("0000:00:0A.0")).hasMessageStartingWith("pciAddress: ");
        assertThatThrownBy(() -> InitScript.builder().runtimeFolder(Path.of("run/vpp")))
                .hasMessageStartingWith("runtimeFolders[0]: ");
        assertThatThrownBy(() -> InitScript.builder().command(List.of("vpp", "-c", "x")))
                .hasMessageStartingWith("command[0]: ");
        assertThatThrownBy(() -> InitScript.builder().command(List.of("/usr/bin/vpp", "a\nreboot")))
                .hasMessageStartingWith("command[1]: ");
        assertThatThrownBy(() -> InitScript.builder().command(List.of()))
                .hasMessageStartingWith("command: ");
        assertThatThrownBy(() -> InitScript.builder().console("ttyS0 >/etc/passwd"))
                .hasMessageStartingWith("console: ");
        assertThatThrownBy(() -> InitScript.builder().functionName("v p p"))
                .hasMessageStartingWith("functionName: ");
        assertThatThrownBy(() -> InitScript.builder().nic(PciAddress.rootBusSlot(6)).nic(PciAddress.rootBusSlot(6)))
                .hasMessageStartingWith("nics[1]: ");
        assertThatThrownBy(() -> InitScript.builder().functionName("nf").build())
                .hasMessageStartingWith("command: ");
    }

    private static String initScriptOf(KernelVmFunction function) {
        return function.files(RUN).stream().filter(f -> f.relativePath().equals(Path.of("init.sh")))
                .findFirst().orElseThrow().content();
    }

    private static String lineStartingWith(String script, String prefix) {
        return script.lines().filter(l -> l.startsWith(prefix)).findFirst()
                .orElseThrow(() -> new AssertionError("no line starting with " + prefix));
    }

    private static List<String> withTrailingEmpty(List<String> argv) {
        List<String> l = new java.util.ArrayList<>(argv);
        l.add(""); // printf '%s\0' ends every element with NUL: split leaves one empty string after the last
        return l;
    }
}
