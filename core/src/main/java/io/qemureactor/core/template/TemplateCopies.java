package io.qemureactor.core.template;

import io.qemureactor.core.host.CommandResult;
import io.qemureactor.core.host.Host;
import io.qemureactor.core.host.LocalHost;
import io.qemureactor.core.host.PosixModes;
import io.qemureactor.core.host.Reaper;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import reactor.core.publisher.Mono;

/**
 * Where a template's files are on a host: its own folder on this machine; on another host, a copy made once
 * and kept in {@code CACHE/DIGEST} (the {@link VmTemplate#digest() manifest's SHA-256}), so a second restore
 * there, in this JVM or a later one, copies nothing.
 *
 * <p>A partial copy is never used: the files go to a folder of their own ({@code DIGEST.part-RANDOM}, tracked
 * by the host's reaper so that a dead JVM's leftovers are removed), what arrived is checked against what was
 * sent (SHA-256 of the RAM and the state, computed here while sending and by {@code sha256sum} there), the
 * manifest is written last, and only then is the folder renamed to {@code DIGEST}. A copy is taken as
 * complete when its three files have the sizes of the template's. Clones of one template restored at once on
 * one host share one copy.
 *
 * <p>A host that cannot receive files (neither local nor SSH) is used when it holds the template at the same
 * path (shared storage); otherwise the restore fails in one line before anything starts.
 */
final class TemplateCopies {

    private static final Duration FOREVER = Duration.ofMillis(Long.MAX_VALUE);

    private final String cacheRoot;
    private final Map<String, Mono<Path>> folders = new ConcurrentHashMap<>();
    private final AtomicLong copies = new AtomicLong();

    /** @param cacheRoot the folder, on each host, that holds copies of templates */
    TemplateCopies(String cacheRoot) {
        this.cacheRoot = cacheRoot;
    }

    /** How many templates were copied to a host so far. */
    long copies() {
        return copies.get();
    }

    /** The template's folder on {@code host}, copied there first if needed; {@code vm} names the clone in errors. */
    Mono<Path> folderOn(Host host, VmTemplate template, String vm) {
        if (host instanceof LocalHost) {
            return Mono.just(template.folder());
        }
        // one look (and at most one copy) per host and template, shared by every clone; a failure is not kept
        return folders.computeIfAbsent(host.name() + "\0" + template.digest(), k -> ensure(host, template, vm)
                .cache(f -> FOREVER, e -> Duration.ZERO, () -> Duration.ZERO));
    }

    private Mono<Path> ensure(Host host, VmTemplate template, String vm) {
        String folder = cacheRoot + "/" + template.digest();
        return complete(host, folder, template).flatMap(done -> done ? Mono.just(Path.of(folder))
                : host.deleteFolder(folder).then(copy(host, template, folder)))
                // the try made the cache folder: rmdir removes it only if nothing else is in it
                .onErrorResume(UnsupportedOperationException.class, e -> host.exec(List.of("rmdir", "--", cacheRoot))
                        .onErrorResume(x -> Mono.empty())
                        .then(inPlace(host, template, vm)));
    }

    /** True if {@code folder} on the host holds the template's three files at their sizes. */
    private static Mono<Boolean> complete(Host host, String folder, VmTemplate template) {
        return host.exec(List.of("stat", "-c", "%s", "--", folder + "/" + VmTemplate.RAM_FILE,
                        folder + "/" + VmTemplate.STATE_FILE, folder + "/" + TemplateManifest.FILE))
                .map(r -> r.succeeded() && r.stdout().strip().lines().toList().equals(List.of(
                        Long.toString(template.manifest().ramBytes()), Long.toString(template.manifest().stateBytes()),
                        Long.toString(template.manifestBytes().length))));
    }

    private Mono<Path> copy(Host host, VmTemplate template, String folder) {
        String part = folder + ".part-" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x100000, 0xFFFFFF));
        String ram = part + "/" + VmTemplate.RAM_FILE;
        String state = part + "/" + VmTemplate.STATE_FILE;
        return host.createPrivateFolder(part)
                .then(host.reaper().trackFolder(part))
                .flatMap(entry -> host.copyFrom(template.ramFile(), ram)
                        .zipWith(host.copyFrom(template.stateFile(), state))
                        .flatMap(sent -> arrived(host, List.of(ram, state)).flatMap(there -> {
                            if (!there.equals(List.of(sent.getT1(), sent.getT2()))) {
                                return Mono.error(new InvalidTemplateException("copying template " + template.folder()
                                        + " to " + host.name() + ": what arrived in " + part + " differs from what was sent"
                                        + " (SHA-256 " + there + ", sent " + List.of(sent.getT1(), sent.getT2()) + ")"));
                            }
                            if (!sent.getT2().equals(template.manifest().stateSha256())) {
                                return Mono.error(new InvalidTemplateException("template " + template.folder() + ": "
                                        + VmTemplate.STATE_FILE + " changed since it was opened: make the template again"));
                            }
                            return Mono.empty();
                        }))
                        .then(host.writeFile(part + "/" + TemplateManifest.FILE, template.manifestBytes(),
                                PosixModes.toPermissions(0600)))
                        .then(rename(host, part, folder, template))
                        .doOnSuccess(v -> copies.incrementAndGet())
                        .then(forget(entry))
                        .onErrorResume(e -> host.deleteFolder(part).onErrorResume(x -> Mono.empty())
                                .then(forget(entry)).then(Mono.error(e)))
                        .doOnCancel(() -> host.deleteFolder(part).then(forget(entry)).subscribe(v -> { }, x -> { })))
                .thenReturn(Path.of(folder));
    }

    private static Mono<Void> forget(Reaper.Entry entry) {
        return entry.forget().onErrorResume(e -> Mono.empty());
    }

    /** {@code sha256sum} of the files on the host, in order. */
    private static Mono<List<String>> arrived(Host host, List<String> files) {
        List<String> argv = new java.util.ArrayList<>(List.of("sha256sum", "--"));
        argv.addAll(files);
        return host.exec(argv).flatMap(r -> r.succeeded()
                ? Mono.just(r.stdout().strip().lines().map(line -> line.split("\\s+", 2)[0]).toList())
                : Mono.error(new InvalidTemplateException("cannot check the template's copy on " + host.name() + ": "
                        + r.describeFailure())));
    }

    /**
     * {@code mv -T}: the folder appears complete or not at all. If another copier (another JVM) renamed its copy
     * first, theirs is complete (it was checked the same way): ours is removed.
     */
    private static Mono<Void> rename(Host host, String part, String folder, VmTemplate template) {
        return host.exec(List.of("mv", "-T", "--", part, folder)).flatMap((CommandResult r) -> r.succeeded() ? Mono.<Void>empty()
                : complete(host, folder, template).flatMap(theirs -> theirs ? host.deleteFolder(part)
                        : Mono.error(new InvalidTemplateException("cannot put the template's copy in place on " + host.name()
                                + ": " + r.describeFailure()))));
    }

    /** A host that takes no copies: the template must be there already, at its own path, with the same manifest. */
    private static Mono<Path> inPlace(Host host, VmTemplate template, String vm) {
        String manifest = template.folder().resolve(TemplateManifest.FILE).toString();
        return host.readFile(manifest).map(java.util.Optional::of).onErrorResume(e -> Mono.just(java.util.Optional.empty()))
                .flatMap(bytes -> bytes.isPresent() && java.util.Arrays.equals(bytes.get(), template.manifestBytes())
                        ? Mono.just(template.folder())
                        : Mono.error(new InvalidTemplateException(vm + ": template " + template.folder() + " is not on "
                                + host.name() + ", which cannot receive a copy of it: put the template's files at "
                                + template.folder() + " there")));
    }
}
