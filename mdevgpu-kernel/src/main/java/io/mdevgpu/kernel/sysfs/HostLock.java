package io.mdevgpu.kernel.sysfs;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An exclusive lock on a host's resource, between threads and between processes: first a lock per file within this
 * JVM (fcntl locks belong to the process, so two threads would both get one), then {@code fcntl} on the file, which
 * the OS drops when the process dies, so a killed holder leaves no lock behind (the file stays; it is no lock by
 * itself). {@link #close()} releases both.
 */
public final class HostLock implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HostLock.class);
    private static final ConcurrentHashMap<Path, ReentrantLock> IN_PROCESS = new ConcurrentHashMap<>();

    /** Takes the fcntl lock of a file: {@link #FCNTL}, or a test's stand-in that fails. */
    @FunctionalInterface
    public interface Locker {
        FileLock lock(Path file) throws IOException;
    }

    /** Opens (creating) the file and waits for its exclusive lock. */
    public static final Locker FCNTL = file -> {
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        try {
            return channel.lock();
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    };

    private final Path file;
    private final ReentrantLock inProcess;
    private FileLock lock;

    private HostLock(Path file, ReentrantLock inProcess, FileLock lock) {
        this.file = file;
        this.inProcess = inProcess;
        this.lock = lock;
    }

    /** Waits for the lock of {@code file} (its directory must exist). */
    public static HostLock acquire(Path file) throws IOException {
        return acquire(file, FCNTL);
    }

    /** As {@link #acquire(Path)}, taking the fcntl lock with {@code locker}. */
    public static HostLock acquire(Path file, Locker locker) throws IOException {
        Path key = file.toAbsolutePath().normalize();
        ReentrantLock inProcess = IN_PROCESS.computeIfAbsent(key, k -> new ReentrantLock());
        inProcess.lock();
        try {
            return new HostLock(key, inProcess, locker.lock(key));
        } catch (IOException | RuntimeException | Error e) {
            inProcess.unlock();
            throw e;
        }
    }

    public Path file() {
        return file;
    }

    /** Releases the lock; a second close does nothing. Call it from the thread that acquired it. */
    @Override
    public void close() {
        if (lock == null) return;
        try {
            lock.channel().close(); // releases the fcntl lock
        } catch (IOException e) {
            LOG.warn("closing the lock {}: {}", file, e.toString());
        } finally {
            lock = null;
            inProcess.unlock();
        }
    }

    @Override
    public String toString() {
        return "HostLock[" + file + (lock == null ? ", released]" : "]");
    }
}
