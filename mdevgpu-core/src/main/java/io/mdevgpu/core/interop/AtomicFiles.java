package io.mdevgpu.core.interop;

import io.mdevgpu.Errno;
import io.mdevgpu.KernelException;
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
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * The locked, atomic file changes of a definition store ({@link MdevctlStore}, {@link VfDefinitionStore}): one
 * directory tree under {@code root}, changed only under an exclusive lock ({@code fcntl} on
 * {@code <root>/.mdevgpu.lock} through {@link HostLock}: the OS drops it when a process dies, and within this JVM a
 * lock per root), each file written to a temporary file in its directory, synced, renamed over the target and the
 * directory synced. A reader sees the old file or the new one, never a torn one; a failure at any step leaves the
 * file as it was (a temporary file a killed writer left is removed by the next writer, who holds the lock). Every
 * file-system failure is the {@link KernelException} of its errno, naming the file and the store's {@code noun}.
 */
final class AtomicFiles {
    private static final Logger LOG = LoggerFactory.getLogger(AtomicFiles.class);
    /** The lock file in the root: not a directory, so mdevctl skips it. */
    static final String LOCK_FILE = ".mdevgpu.lock";
    static final String TEMP_PREFIX = ".mdevgpu-tmp-";
    /**
     * A definition's UUID as a file name: lower case, as mdevctl keeps them. mdevctl 1.2.0 leaves an upper-case one
     * out of {@code list --defined} and does not delete it on {@code undefine}; the stores skip it likewise.
     */
    static final Pattern UUID_NAME =
            Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

    /** The roots whose lock this thread holds: a change nested in another of the same root runs under the outer lock. */
    private static final ThreadLocal<Set<Path>> HELD = ThreadLocal.withInitial(HashSet::new);

    private final Path root;
    private final FileOps ops;
    private final String noun;

    /** @param noun what the files hold, for errors: {@code "mdev definition"} */
    AtomicFiles(Path root, FileOps ops, String noun) {
        this.root = Objects.requireNonNull(root, "root");
        this.ops = Objects.requireNonNull(ops, "ops");
        this.noun = Objects.requireNonNull(noun, "noun");
    }

    /**
     * Runs {@code change} under the root's lock, making the root first. Re-entrant within a thread (fcntl locks are
     * not counted, so a nested acquisition of the same file would fail or release the outer lock early).
     */
    <T> T locked(Supplier<T> change) {
        if (HELD.get().contains(root)) return change.get();
        try {
            ops.createDirectories(root);
        } catch (IOException e) {
            throw failure("create", root, e);
        }
        Path lockFile = root.resolve(LOCK_FILE);
        HostLock lock;
        try {
            lock = HostLock.acquire(lockFile, ops::lock);
        } catch (IOException e) {
            throw failure("lock", lockFile, e);
        }
        try (lock) {
            HELD.get().add(root);
            return change.get();
        } finally {
            HELD.get().remove(root);
        }
    }

    /** Temp file, write, fsync, rename, fsync the directory; on failure {@code file} holds {@code previous} again. */
    void write(Path file, byte[] bytes, byte[] previous) {
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
        syncDirectory(file, previous);
    }

    /** Deletes {@code file} durably; on failure it holds {@code previous} again. */
    void delete(Path file, byte[] previous) {
        try {
            ops.delete(file);
        } catch (IOException e) {
            throw failure("delete", file, e);
        }
        syncDirectory(file, previous);
    }

    private void syncDirectory(Path file, byte[] previous) {
        try {
            ops.forceDirectory(file.getParent());
        } catch (IOException e) {
            restore(file, previous, e);
            throw failure("sync the directory of", file, e);
        }
    }

    /** Puts back what {@code file} held before a change whose last step failed (deletes it when it was new). */
    private static void restore(Path file, byte[] previous, IOException failure) {
        try {
            if (previous == null) {
                Files.deleteIfExists(file);
            } else {
                Path temp = file.resolveSibling(TEMP_PREFIX + file.getFileName());
                Files.write(temp, previous);
                Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
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

    /** The file's bytes, or null when it does not exist. */
    byte[] readBytes(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            throw failure("read", file, e);
        }
    }

    /**
     * At most {@link StrictToml#MAX_BYTES} + 1 bytes of the file (more: too large, {@link #sizeProblem}), or null when
     * it does not exist.
     */
    byte[] readAtMost(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return in.readNBytes(StrictToml.MAX_BYTES + 1);
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            throw failure("read", file, e);
        }
    }

    /**
     * What is wrong with the size of a definition file's {@code bytes}, for the store's own error; null when it is at
     * most {@link StrictToml#MAX_BYTES}, the cap mdevgpu puts on every file it reads.
     */
    static String sizeProblem(byte[] bytes) {
        if (bytes.length <= StrictToml.MAX_BYTES) return null;
        return "it holds more than " + StrictToml.MAX_BYTES + " bytes; at most " + StrictToml.MAX_BYTES
                + " bytes (1 MiB) are read, as for a configuration";
    }

    /** The entries of {@code dir} sorted by name; none when it does not exist. */
    List<Path> entries(Path dir) {
        if (!Files.isDirectory(dir)) return List.of();
        List<Path> out = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
            for (Path p : stream) out.add(p);
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (IOException e) {
            throw failure("list", dir, e);
        }
        out.sort((a, b) -> a.toString().compareTo(b.toString())); // an own lambda: the CLI's AOT cache keeps it
        return out;
    }

    /** The PCI function a directory of the root is named after, or empty for any other name (skipped, as mdevctl does). */
    static Optional<PciAddress> pciAddress(String name) {
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
    KernelException failure(String what, Path file, IOException e) {
        Errno errno = SysfsReader.errnoOf(e);
        String fix = errno.equals(Errno.EACCES) ? "writing " + noun + "s needs root (or write access to " + file.getParent() + ")"
                : "nothing was changed; " + e.getMessage();
        return KernelException.of(what + " " + noun, file.toString(), errno, fix, e);
    }

    @Override
    public String toString() {
        return "AtomicFiles[" + root + ", " + noun + "s]";
    }
}
