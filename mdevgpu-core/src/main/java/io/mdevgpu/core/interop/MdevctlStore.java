package io.mdevgpu.core.interop;

import io.mdevgpu.Definitions.Definition;
import io.mdevgpu.Errno;
import io.mdevgpu.HostStateException;
import io.mdevgpu.KernelException;
import io.mdevgpu.PciAddress;
import io.mdevgpu.core.config.StrictToml;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Persistent mdev definitions in mdevctl's own layout, {@code <root>/<parent>/<uuid>} (root {@code /etc/mdevctl.d}),
 * each file in {@link MdevctlJson mdevctl's JSON}. So mdevctl, libvirt's node devices and mdevgpu see the same
 * definitions.
 *
 * <p>Every change is atomic and serialised ({@link AtomicFiles}): under an exclusive lock on
 * {@code <root>/.mdevgpu.lock}, which mdevctl ignores as it is no directory, each file is written to a temporary
 * file, synced and renamed over the target. A reader therefore sees the old file or the new one, never a torn one,
 * and a failure at any step leaves the file as it was. Thread-safe and safe between processes.
 */
public final class MdevctlStore {
    private static final Logger LOG = LoggerFactory.getLogger(MdevctlStore.class);
    /** The lock file in the root: not a directory, so mdevctl skips it. */
    public static final String LOCK_FILE = AtomicFiles.LOCK_FILE;
    /**
     * The order definitions are listed in: by parent, then UUID, as mdevctl lists them. An own lambda, not
     * Comparator.comparing: the AOT cache keeps this one, while the JDK's comparator factories spin theirs at every
     * start of a CLI command.
     */
    public static final Comparator<Definition> ORDER = (a, b) -> {
        int byParent = a.parent().compareTo(b.parent());
        return byParent != 0 ? byParent : a.uuid().toString().compareTo(b.uuid().toString());
    };

    private final Path root;
    private final AtomicFiles files;

    /** The definitions under {@code root} ({@code /etc/mdevctl.d}); the directory is made on the first write. */
    public MdevctlStore(Path root) {
        this(root, FileOps.SYSTEM);
    }

    MdevctlStore(Path root, FileOps ops) {
        this.root = Objects.requireNonNull(root, "root").toAbsolutePath().normalize();
        this.files = new AtomicFiles(this.root, ops, "mdev definition");
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

    /** Where the definition of {@code uuid} on {@code parent} lives. */
    public Path file(PciAddress parent, UUID uuid) {
        return root.resolve(parent.toString()).resolve(uuid.toString());
    }

    /**
     * Every definition, by parent then UUID; a UUID defined under two parents (by hand: define refuses it) is listed
     * under each. Entries mdevctl would skip are skipped (files in the root, the {@code scripts.d} directory, names
     * that are not lower-case UUIDs) and so are parents that are not PCI functions.
     *
     * @throws io.mdevgpu.HostStateException naming a definition file that is not mdevctl's JSON, not UTF-8, or larger
     *                                       than a configuration may be ({@link StrictToml#MAX_BYTES})
     */
    public List<Definition> list() {
        List<Definition> all = new ArrayList<>();
        for (Path parentDir : files.entries(root)) {
            if (!Files.isDirectory(parentDir, LinkOption.NOFOLLOW_LINKS)) continue;
            Optional<PciAddress> parent = AtomicFiles.pciAddress(parentDir.getFileName().toString());
            if (parent.isEmpty()) {
                LOG.debug("skipping {}: not a PCI parent", parentDir);
                continue;
            }
            for (Path file : files.entries(parentDir)) {
                String name = file.getFileName().toString();
                if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS) || !AtomicFiles.UUID_NAME.matcher(name).matches()) continue;
                read(file, UUID.fromString(name), parent.get()).ifPresent(all::add);
            }
        }
        all.sort(ORDER);
        return List.copyOf(all);
    }

    /**
     * The definition of {@code uuid}.
     *
     * @throws io.mdevgpu.HostStateException the UUID is defined under more than one parent: name the parent
     *                                       ({@link #get(UUID, PciAddress)})
     */
    public Optional<Definition> get(UUID uuid) {
        List<Definition> found = definitionsOf(uuid);
        if (found.size() > 1) {
            throw new HostStateException("find mdev definition", uuid.toString(), "the UUID is defined under "
                    + found.size() + " parents: " + String.join(", ", found.stream().map(d -> d.parent() + " ("
                    + d.typeId() + ", " + file(d.parent(), uuid) + ")").toList()), "name the parent (--parent ADDR), "
                    + "or undefine all but one", null);
        }
        return found.stream().findFirst();
    }

    /** The definition of {@code uuid} under {@code parent}. */
    public Optional<Definition> get(UUID uuid, PciAddress parent) {
        Objects.requireNonNull(parent, "parent");
        return definitionsOf(uuid).stream().filter(d -> d.parent().equals(parent)).findFirst();
    }

    private List<Definition> definitionsOf(UUID uuid) {
        Objects.requireNonNull(uuid, "uuid");
        return list().stream().filter(d -> d.uuid().equals(uuid)).toList();
    }

    /**
     * Writes {@code d}. A UUID defined on another parent is refused, as mdevctl refuses it; on the same parent the
     * definition is replaced when {@code replace}, refused otherwise.
     *
     * @throws io.mdevgpu.AlreadyExistsException the UUID is defined already (and not to be replaced)
     * @throws KernelException                   a file-system call failed; the definition is as it was
     */
    public Definition put(Definition d, boolean replace) {
        MdevctlJson.check(d);
        return files.locked(() -> {
            List<Definition> existing = definitionsOf(d.uuid());
            if (!existing.isEmpty() && (!replace || existing.size() > 1 || !existing.getFirst().parent().equals(d.parent()))) {
                throw KernelException.of("define mdev", d.uuid() + " on " + d.parent(), Errno.EEXIST,
                        "UUID " + d.uuid() + " is defined already on " + String.join(" and ", existing.stream()
                                .map(e -> e.parent() + " as " + e.typeId()).toList()) + "; undefine it first or pick another UUID");
            }
            Path file = file(d.parent(), d.uuid());
            byte[] previous = existing.isEmpty() ? null : files.readBytes(file);
            files.write(file, MdevctlJson.write(d).getBytes(StandardCharsets.UTF_8), previous);
            LOG.info("defined mdev {} ({} on {}, start {}) in {}", d.uuid(), d.typeId(), d.parent(),
                    d.autoStart() ? "auto" : "manual", file);
            return d;
        });
    }

    /**
     * Deletes the definition of {@code uuid}.
     *
     * @throws io.mdevgpu.NoSuchDeviceException there is none
     * @throws io.mdevgpu.HostStateException    the UUID is defined under more than one parent: name the parent
     * @throws KernelException                  a file-system call failed; the definition is as it was
     */
    public Definition remove(UUID uuid) {
        return files.locked(() -> delete(uuid, get(uuid), root.toString()));
    }

    /** Deletes the definition of {@code uuid} under {@code parent}, as {@link #remove(UUID)}. */
    public Definition remove(UUID uuid, PciAddress parent) {
        return files.locked(() -> delete(uuid, get(uuid, parent), root.resolve(parent.toString()).toString()));
    }

    private Definition delete(UUID uuid, Optional<Definition> found, String where) {
        Definition d = found.orElseThrow(() -> KernelException.of("undefine mdev", uuid.toString(), Errno.ENOENT,
                "no definition of this UUID under " + where + "; `mdevgpu list --defined` shows them"));
        Path file = file(d.parent(), uuid);
        files.delete(file, files.readBytes(file));
        LOG.info("undefined mdev {} ({} on {}): deleted {}", uuid, d.typeId(), d.parent(), file);
        return d;
    }

    /** The definition in {@code file}, read as a configuration is: at most {@link StrictToml#MAX_BYTES}, strict UTF-8. */
    private Optional<Definition> read(Path file, UUID uuid, PciAddress parent) {
        byte[] bytes = files.readAtMost(file);
        if (bytes == null) return Optional.empty(); // undefined while being listed
        String tooLarge = AtomicFiles.sizeProblem(bytes);
        if (tooLarge != null) throw MdevctlJson.malformed(file.toString(), tooLarge);
        StrictToml.NotUtf8 bad = StrictToml.NotUtf8.find(bytes);
        if (bad != null) throw MdevctlJson.malformed(file.toString(), "it is not UTF-8: " + bad);
        return Optional.of(MdevctlJson.read(new String(bytes, StandardCharsets.UTF_8), uuid, parent, file.toString()));
    }

    @Override
    public String toString() {
        return "MdevctlStore[" + root + "]";
    }
}
