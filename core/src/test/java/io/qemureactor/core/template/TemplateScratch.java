package io.qemureactor.core.template;

import io.qemureactor.core.launch.LaunchOptions;
import io.qemureactor.core.launch.QemuLauncher;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * A template IT's scratch space: a folder under /tmp (short paths: QEMU's sockets live below it), a run base
 * in it that must end empty, and a launcher whose run folders go there. Removed, with everything in it, after
 * the class.
 *
 * @param folder   the scratch folder (templates are made in it)
 * @param runBase  {@code folder/run}
 * @param launcher a launcher with {@code runBase}
 */
record TemplateScratch(Path folder, Path runBase, QemuLauncher launcher) {

    static TemplateScratch create(String prefix) throws IOException {
        Path folder = Files.createTempDirectory(Path.of("/tmp"), prefix);
        Path runBase = Files.createDirectories(folder.resolve("run"));
        // generous bounds: on the shared 2-core machine at load 40 QEMU took over 30 s to open its monitor
        return new TemplateScratch(folder, runBase, new QemuLauncher(LaunchOptions.defaults().withRunBase(runBase.toString())
                .withQmpConnectTimeout(Duration.ofMinutes(2))));
    }

    void remove() throws IOException {
        try (Stream<Path> files = Files.walk(folder)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
