package io.mdevgpu.core.interop;

import io.mdevgpu.Definitions.Definition;
import io.mdevgpu.Errno;
import io.mdevgpu.KernelException;
import io.mdevgpu.PciAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

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

    /** Where the definition of {@code uuid} on {@code parent} lives. */
    public Path file(PciAddress parent, UUID uuid) {
        return root.resolve(parent.toString()).resolve(uuid.toString());
    }

    /**
     * Every definition, by parent then UUID. Entries mdevctl would skip are skipped (files in the root, the
     * {@code scripts.d} directory, names that are not UUIDs) and so are parents that are not PCI functions.
     *
     * @throws io.mdevgpu.HostStateException naming a definition file that is not mdevctl's JSON
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
        all.sort(Comparator.comparing((Definition d) -> d.parent()).thenComparing(d -> d.uuid().toString()));
        return List.copyOf(all);
    }

    public Optional<Definition> get(UUID uuid) {
        Objects.requireNonNull(uuid, "uuid");
        return list().stream().filter(d -> d.uuid().equals(uuid)).findFirst();
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
            Optional<Definition> existing = get(d.uuid());
            if (existing.isPresent() && (!replace || !existing.get().parent().equals(d.parent()))) {
                throw KernelException.of("define mdev", d.uuid() + " on " + d.parent(), Errno.EEXIST,
                        "UUID " + d.uuid() + " is defined already on " + existing.get().parent() + " as "
                                + existing.get().typeId() + "; undefine it first or pick another UUID");
            }
            Path file = file(d.parent(), d.uuid());
            byte[] previous = existing.isPresent() ? files.readBytes(file) : null;
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
     * @throws KernelException                  a file-system call failed; the definition is as it was
     */
    public Definition remove(UUID uuid) {
        return files.locked(() -> {
            Definition d = get(uuid).orElseThrow(() -> KernelException.of("undefine mdev", uuid.toString(), Errno.ENOENT,
                    "no definition of this UUID under " + root + "; `mdevgpu list --defined` shows them"));
            Path file = file(d.parent(), uuid);
            files.delete(file, files.readBytes(file));
            LOG.info("undefined mdev {} ({} on {}): deleted {}", uuid, d.typeId(), d.parent(), file);
            return d;
        });
    }

    private Optional<Definition> read(Path file, UUID uuid, PciAddress parent) {
        try {
            return Optional.of(MdevctlJson.read(Files.readString(file), uuid, parent, file.toString()));
        } catch (NoSuchFileException e) {
            return Optional.empty(); // undefined while being listed
        } catch (IOException e) {
            throw files.failure("read", file, e);
        }
    }

    @Override
    public String toString() {
        return "MdevctlStore[" + root + "]";
    }
}
