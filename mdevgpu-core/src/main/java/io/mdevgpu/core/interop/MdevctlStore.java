package io.mdevgpu.core.interop;

import io.mdevgpu.Definitions.Definition;
import io.mdevgpu.Errno;
import io.mdevgpu.KernelException;
import io.mdevgpu.HostStateException;
import io.mdevgpu.PciAddress;
import io.mdevgpu.ValidationException;
import io.mdevgpu.core.config.StrictToml;
import io.mdevgpu.kernel.sysfs.HostLock;
import io.mdevgpu.kernel.sysfs.SysfsReader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
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
import java.util.regex.Pattern;

/**
 * Persistent mdev definitions in mdevctl's own layout, {@code <root>/<parent>/<uuid>} (root {@code /etc/mdevctl.d}),
 * each file in {@link MdevctlJson mdevctl's JSON}. So mdevctl, libvirt's node devices and mdevgpu see the same
 * definitions.
 *
 * <p>Every change is atomic and serialised: under an exclusive lock ({@code fcntl} on {@code <root>/.mdevgpu.lock},
 * which mdevctl ignores as it is no directory; the OS drops it when a process dies, so a killed writer leaves no
 * lock, and within this JVM a lock per root), a file is written to a temporary file in the same directory, synced,
 * renamed over the target and the directory synced. A reader therefore sees the old file or the new one, never a
 * torn one, and a failure at any step leaves the file as it was (a temporary file a killed writer left is removed
 * by the next writer, who holds the lock). Thread-safe and safe between processes.
 */
public final class MdevctlStore {
    private static final Logger LOG = LoggerFactory.getLogger(MdevctlStore.class);
    /** The lock file in the root: not a directory, so mdevctl skips it. */
    public static final String LOCK_FILE = ".mdevgpu.lock";
    private static final String TEMP_PREFIX = ".mdevgpu-tmp-";
    /**
     * The names mdevctl keeps definitions under: lower-case UUIDs. mdevctl 1.2.0 leaves an upper-case one out of
     * {@code list --defined} and does not delete it on {@code undefine}; it is skipped here likewise.
     */
    private static final Pattern UUID_NAME =
            Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

    private final Path root;
    private final FileOps ops;

    /** The definitions under {@code root} ({@code /etc/mdevctl.d}); the directory is made on the first write. */
    public MdevctlStore(Path root) {
        this(root, FileOps.SYSTEM);
    }

    MdevctlStore(Path root, FileOps ops) {
        this.root = Objects.requireNonNull(root, "root").toAbsolutePath().normalize();
        this.ops = Objects.requireNonNull(ops, "ops");
    }

    public Path root() {
        return root;
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
        for (Path parentDir : entries(root)) {
            if (!Files.isDirectory(parentDir, LinkOption.NOFOLLOW_LINKS)) continue;
            Optional<PciAddress> parent = pciAddress(parentDir.getFileName().toString());
            if (parent.isEmpty()) {
                LOG.debug("skipping {}: not a PCI parent", parentDir);
                continue;
            }
            for (Path file : entries(parentDir)) {
                String name = file.getFileName().toString();
                if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS) || !UUID_NAME.matcher(name).matches()) continue;
                read(file, UUID.fromString(name), parent.get()).ifPresent(all::add);
            }
        }
        all.sort(Comparator.comparing((Definition d) -> d.parent()).thenComparing(d -> d.uuid().toString()));
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
        return locked(() -> {
            List<Definition> existing = definitionsOf(d.uuid());
            if (!existing.isEmpty() && (!replace || existing.size() > 1 || !existing.getFirst().parent().equals(d.parent()))) {
                throw KernelException.of("define mdev", d.uuid() + " on " + d.parent(), Errno.EEXIST,
                        "UUID " + d.uuid() + " is defined already on " + String.join(" and ", existing.stream()
                                .map(e -> e.parent() + " as " + e.typeId()).toList()) + "; undefine it first or pick another UUID");
            }
            Path file = file(d.parent(), d.uuid());
            byte[] previous = existing.isEmpty() ? null : readBytes(file);
            writeAtomically(file, MdevctlJson.write(d).getBytes(StandardCharsets.UTF_8), previous);
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
        return locked(() -> delete(uuid, get(uuid), root.toString()));
    }

    /** Deletes the definition of {@code uuid} under {@code parent}, as {@link #remove(UUID)}. */
    public Definition remove(UUID uuid, PciAddress parent) {
        return locked(() -> delete(uuid, get(uuid, parent), root.resolve(parent.toString()).toString()));
    }

    private Definition delete(UUID uuid, Optional<Definition> found, String where) {
        Definition d = found.orElseThrow(() -> KernelException.of("undefine mdev", uuid.toString(), Errno.ENOENT,
                "no definition of this UUID under " + where + "; `mdevgpu list --defined` shows them"));
        Path file = file(d.parent(), uuid);
        byte[] previous = readBytes(file);
        try {
            ops.delete(file);
        } catch (IOException e) {
            throw failure("delete", file, e);
        }
        try {
            ops.forceDirectory(file.getParent());
        } catch (IOException e) {
            restore(file, previous, e);
            throw failure("sync the directory of", file, e);
        }
        LOG.info("undefined mdev {} ({} on {}): deleted {}", uuid, d.typeId(), d.parent(), file);
        return d;
    }

    private interface Change<T> {
        T run();
    }

    private <T> T locked(Change<T> change) {
        try {
            ops.createDirectories(root);
        } catch (IOException e) {
            throw failure("create", root, e);
        }
        Path lockFile = root.resolve(LOCK_FILE);
        try (HostLock lock = acquire(lockFile)) {
            return change.run();
        }
    }

    private HostLock acquire(Path lockFile) {
        try {
            return HostLock.acquire(lockFile, ops::lock);
        } catch (IOException e) {
            throw failure("lock", lockFile, e);
        }
    }

    /** Temp file, write, fsync, rename, fsync the directory; on failure the target is as it was. Under the lock. */
    private void writeAtomically(Path file, byte[] bytes, byte[] previous) {
        Path dir = file.getParent();
        try {
            ops.createDirectories(dir);
        } catch (IOException e) {
            throw failure("create", dir, e);
        }
        removeStaleTemporaries(dir);
        Path temp = dir.resolve(TEMP_PREFIX + file.getFileName());
        try {
            try (FileChannel channel = ops.createNew(temp)) {
                ops.write(channel, ByteBuffer.wrap(bytes));
                ops.force(channel);
            }
            ops.rename(temp, file);
        } catch (IOException e) {
            deleteQuietly(temp);
            throw failure("write", file, e);
        }
        try {
            ops.forceDirectory(dir);
        } catch (IOException e) {
            restore(file, previous, e);
            throw failure("sync the directory of", file, e);
        }
    }

    /** Puts back what {@code file} held before a change whose last step failed (deletes it when it was new). */
    private void restore(Path file, byte[] previous, IOException failure) {
        try {
            if (previous == null) {
                Files.deleteIfExists(file);
            } else {
                Path temp = file.resolveSibling(TEMP_PREFIX + file.getFileName());
                Files.write(temp, previous);
                Files.move(temp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            failure.addSuppressed(e);
            LOG.error("could not restore {} after a failed change: {}", file, e.toString());
        }
    }

    /** Temporary files of writers that died: only a lock holder writes one, and this writer holds the lock. */
    private void removeStaleTemporaries(Path dir) {
        for (Path p : entries(dir)) {
            if (p.getFileName().toString().startsWith(TEMP_PREFIX)) {
                LOG.warn("removing {}, left by a writer that did not finish", p);
                deleteQuietly(p);
            }
        }
    }

    /** The definition in {@code file}, read as a configuration is: at most {@link StrictToml#MAX_BYTES}, strict UTF-8. */
    private Optional<Definition> read(Path file, UUID uuid, PciAddress parent) {
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file)) {
            bytes = in.readNBytes(StrictToml.MAX_BYTES + 1);
        } catch (NoSuchFileException e) {
            return Optional.empty(); // undefined while being listed
        } catch (IOException e) {
            throw failure("read", file, e);
        }
        if (bytes.length > StrictToml.MAX_BYTES) {
            throw MdevctlJson.malformed(file.toString(), "it holds more than " + StrictToml.MAX_BYTES
                    + " bytes; at most " + StrictToml.MAX_BYTES + " bytes (1 MiB) are read, as for a configuration");
        }
        StrictToml.NotUtf8 bad = StrictToml.NotUtf8.find(bytes);
        if (bad != null) throw MdevctlJson.malformed(file.toString(), "it is not UTF-8: " + bad);
        return Optional.of(MdevctlJson.read(new String(bytes, StandardCharsets.UTF_8), uuid, parent, file.toString()));
    }

    private byte[] readBytes(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            throw failure("read", file, e);
        }
    }

    private static List<Path> entries(Path dir) {
        if (!Files.isDirectory(dir)) return List.of();
        List<Path> out = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
            for (Path p : stream) out.add(p);
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (IOException e) {
            throw failure("list", dir, e);
        }
        out.sort(Comparator.comparing(Path::toString));
        return out;
    }

    private static Optional<PciAddress> pciAddress(String name) {
        if (!name.matches("[0-9a-fA-F]{4}:[0-9a-fA-F]{2}:[0-9a-fA-F]{2}\\.[0-7]")) return Optional.empty();
        try {
            return Optional.of(PciAddress.parse(name));
        } catch (ValidationException e) {
            return Optional.empty();
        }
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            LOG.warn("could not delete {}: {}", p, e.toString());
        }
    }

    /** The errno a file-system exception stands for, as a typed error naming the file. */
    static KernelException failure(String what, Path file, IOException e) {
        Errno errno = SysfsReader.errnoOf(e);
        String fix = errno.equals(Errno.EACCES) ? "writing mdev definitions needs root (or write access to " + file.getParent() + ")"
                : "nothing was changed; " + e.getMessage();
        return KernelException.of(what + " mdev definition", file.toString(), errno, fix, e);
    }

    @Override
    public String toString() {
        return "MdevctlStore[" + root + "]";
    }
}
