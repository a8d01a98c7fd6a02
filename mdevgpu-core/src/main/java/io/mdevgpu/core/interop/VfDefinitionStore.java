package io.mdevgpu.core.interop;

import io.mdevgpu.Errno;
import io.mdevgpu.KernelException;
import io.mdevgpu.PciAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Persistent vGPUs on SR-IOV virtual functions, {@code <root>/<pf>/<uuid>.json} (root {@value #DEFAULT_ROOT}),
 * each file in {@link VfDefinitionJson mdevgpu's VF definition format}: mdevctl manages no VFs, so these live beside
 * its definitions, in the same shape of tree. A UUID is defined once across every GPU, and a VF is pinned by one
 * definition at most.
 *
 * <p>Every change is atomic and serialised exactly as {@link MdevctlStore}'s ({@link AtomicFiles}): under an
 * exclusive lock on {@code <root>/.mdevgpu.lock}, each file is written to a temporary file, synced and renamed over
 * the target; a failure at any step leaves every file as it was. Thread-safe and safe between processes.
 */
public final class VfDefinitionStore {
    private static final Logger LOG = LoggerFactory.getLogger(VfDefinitionStore.class);
    /** Where a host keeps them. */
    public static final String DEFAULT_ROOT = "/etc/mdevgpu/vf.d";
    /** The lock file in the root. */
    public static final String LOCK_FILE = AtomicFiles.LOCK_FILE;
    private static final String SUFFIX = ".json";

    private final Path root;
    private final AtomicFiles files;

    /** The definitions under {@code root} ({@value #DEFAULT_ROOT}); the directory is made on the first write. */
    public VfDefinitionStore(Path root) {
        this(root, FileOps.SYSTEM);
    }

    VfDefinitionStore(Path root, FileOps ops) {
        this.root = Objects.requireNonNull(root, "root").toAbsolutePath().normalize();
        this.files = new AtomicFiles(this.root, ops, "VF vGPU definition");
    }

    public Path root() {
        return root;
    }

    /**
     * Runs {@code work} under this store's lock (re-entrant within a thread, so {@code work} may change this store): to
     * keep a look at this store and a change of another together. Callers that hold both stores' locks take the mdev
     * store's first, then the VF store's.
     */
    public <T> T locked(Supplier<T> work) {
        return files.locked(work);
    }

    /** Where the definition of {@code uuid} on GPU {@code pf} lives. */
    public Path file(PciAddress pf, UUID uuid) {
        return root.resolve(pf.toString()).resolve(uuid + SUFFIX);
    }

    /**
     * Every definition, by GPU then UUID. Entries that are no definition are skipped: files in the root, directories
     * not named after a PCI function, files not named {@code <uuid>.json} or not regular files.
     *
     * @throws io.mdevgpu.HostStateException naming a definition file that is not of the format, and its key
     */
    public List<VfDefinition> list() {
        List<VfDefinition> all = new ArrayList<>();
        for (Path pfDir : files.entries(root)) {
            if (!Files.isDirectory(pfDir, LinkOption.NOFOLLOW_LINKS)) continue;
            Optional<PciAddress> pf = AtomicFiles.pciAddress(pfDir.getFileName().toString());
            if (pf.isEmpty()) {
                LOG.debug("skipping {}: not named after a GPU's PCI address", pfDir);
                continue;
            }
            for (Path file : files.entries(pfDir)) {
                String name = file.getFileName().toString();
                if (!name.endsWith(SUFFIX) || !Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) continue;
                String stem = name.substring(0, name.length() - SUFFIX.length());
                if (!AtomicFiles.UUID_NAME.matcher(stem).matches()) continue;
                read(file, UUID.fromString(stem), pf.get()).ifPresent(all::add);
            }
        }
        // an own lambda, which the AOT cache keeps (Comparator.comparing's are spun at every start of a CLI command)
        all.sort((a, b) -> {
            int byGpu = a.pf().compareTo(b.pf());
            return byGpu != 0 ? byGpu : a.uuid().toString().compareTo(b.uuid().toString());
        });
        return List.copyOf(all);
    }

    public Optional<VfDefinition> get(UUID uuid) {
        Objects.requireNonNull(uuid, "uuid");
        return list().stream().filter(d -> d.uuid().equals(uuid)).findFirst();
    }

    /** The definition that pins {@code vf}, if any. */
    public Optional<VfDefinition> pinning(PciAddress vf) {
        Objects.requireNonNull(vf, "vf");
        return list().stream().filter(d -> d.vf().equals(Optional.of(vf))).findFirst();
    }

    /**
     * Writes {@code d}. A UUID defined on another GPU is refused; on the same GPU the definition is replaced when
     * {@code replace}, refused otherwise. A VF another definition pins is refused.
     *
     * @throws io.mdevgpu.AlreadyExistsException the UUID is defined already (and not to be replaced)
     * @throws io.mdevgpu.DeviceBusyException    another definition pins the VF
     * @throws KernelException                   a file-system call failed; every file is as it was
     */
    public VfDefinition put(VfDefinition d, boolean replace) {
        Objects.requireNonNull(d, "d");
        return files.locked(() -> {
            List<VfDefinition> all = list();
            Optional<VfDefinition> existing = all.stream().filter(e -> e.uuid().equals(d.uuid())).findFirst();
            if (existing.isPresent() && (!replace || !existing.get().pf().equals(d.pf()))) {
                throw KernelException.of("define VF vGPU", d.uuid() + " on " + d.pf(), Errno.EEXIST,
                        "UUID " + d.uuid() + " is defined already on " + existing.get().pf() + " as type "
                                + existing.get().typeId() + " (" + existing.get().typeName() + "); undefine it first or "
                                + "pick another UUID");
            }
            if (d.vf().isPresent()) {
                Optional<VfDefinition> pinned = all.stream()
                        .filter(e -> !e.uuid().equals(d.uuid()) && e.vf().equals(d.vf())).findFirst();
                if (pinned.isPresent()) {
                    throw KernelException.of("define VF vGPU", d.uuid() + " on VF " + d.vf().get(), Errno.EBUSY,
                            "VF " + d.vf().get() + " is pinned already by " + pinned.get().uuid()
                                    + pinned.get().owner().map(o -> " (owner " + o + ")").orElse("")
                                    + "; undefine that vGPU, pin another VF, or leave the VF out to take any free one");
                }
            }
            Path file = file(d.pf(), d.uuid());
            byte[] previous = existing.isPresent() ? files.readBytes(file) : null;
            files.write(file, VfDefinitionJson.write(d).getBytes(StandardCharsets.UTF_8), previous);
            LOG.info("defined VF vGPU {} in {}", d, file);
            return d;
        });
    }

    /**
     * Deletes the definition of {@code uuid}.
     *
     * @throws io.mdevgpu.NoSuchDeviceException there is none
     * @throws KernelException                  a file-system call failed; the definition is as it was
     */
    public VfDefinition remove(UUID uuid) {
        Objects.requireNonNull(uuid, "uuid");
        return files.locked(() -> {
            VfDefinition d = get(uuid).orElseThrow(() -> KernelException.of("undefine VF vGPU", uuid.toString(),
                    Errno.ENOENT, "no VF vGPU definition of this UUID under " + root));
            Path file = file(d.pf(), uuid);
            files.delete(file, files.readBytes(file));
            LOG.info("undefined VF vGPU {}: deleted {}", d, file);
            return d;
        });
    }

    private Optional<VfDefinition> read(Path file, UUID uuid, PciAddress pf) {
        byte[] bytes = files.readAtMost(file);
        if (bytes == null) return Optional.empty(); // undefined while being listed
        return Optional.of(VfDefinitionJson.read(bytes, uuid, pf, file.toString()));
    }

    @Override
    public String toString() {
        return "VfDefinitionStore[" + root + "]";
    }
}
