package io.mdevgpu.core.interop;

import io.mdevgpu.kernel.sysfs.HostLock;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * The file-system calls a definition store makes, one method each, so that a test can fail any one of them in turn
 * (the store's own fault-injection seam; the kernel's ports do not cover files). {@link #SYSTEM} is the real one.
 */
interface FileOps {
    FileOps SYSTEM = new FileOps() {
    };

    default void createDirectories(Path dir) throws IOException {
        Files.createDirectories(dir);
    }

    /** Opens {@code file} for writing, creating it; it must not exist ({@code CREATE_NEW}). */
    default FileChannel createNew(Path file) throws IOException {
        return FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    }

    default void write(FileChannel channel, ByteBuffer bytes) throws IOException {
        while (bytes.hasRemaining()) channel.write(bytes);
    }

    /** {@code fsync}. */
    default void force(FileChannel channel) throws IOException {
        channel.force(true);
    }

    /** {@code rename(2)}: atomic, replacing {@code target}. */
    default void rename(Path source, Path target) throws IOException {
        Files.move(source, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** {@code fsync} of a directory, so that a rename or unlink in it survives a crash. */
    default void forceDirectory(Path dir) throws IOException {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }

    default void delete(Path file) throws IOException {
        Files.delete(file);
    }

    /** An exclusive {@code fcntl} lock on {@code lockFile}, created when missing; the OS drops it when the process dies. */
    default FileLock lock(Path lockFile) throws IOException {
        return HostLock.FCNTL.lock(lockFile);
    }
}
