package io.mdevgpu.core.interop;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import io.mdevgpu.Errno;

/**
 * The real file system, counting every call and failing call number {@code failAt} (from 1) with an errno, thrown as
 * the JDK throws it: {@code AccessDeniedException} for EACCES, a {@code FileSystemException} whose reason is
 * {@code strerror}'s text for a path operation, an {@code IOException} with that text for a channel's write or fsync.
 */
final class FailingFileOps implements FileOps {
    final List<String> calls = new ArrayList<>();
    private long failAt = -1;
    private Errno errno = Errno.EIO;

    FailingFileOps failAt(long n, Errno errno) {
        this.failAt = n;
        this.errno = errno;
        return this;
    }

    /**
     * The errnos call {@code call} (as {@link #calls} records it) can really meet: mkdir(2), open(2) with O_CREAT|O_EXCL,
     * write(2), fsync(2), rename(2), unlink(2), fcntl(2) F_SETLKW.
     */
    static List<Errno> errnos(String call) {
        String kind = call.startsWith("fsync dir") ? "fsync dir" : call.split(" ")[0];
        return switch (kind) {
            case "mkdir" -> List.of(Errno.EACCES, Errno.EROFS, Errno.ENOSPC, Errno.EDQUOT);
            case "create" -> List.of(Errno.EACCES, Errno.EROFS, Errno.ENOSPC, Errno.EDQUOT, Errno.EMFILE);
            case "write" -> List.of(Errno.ENOSPC, Errno.EDQUOT, Errno.EIO, Errno.EFBIG);
            case "fsync", "fsync dir" -> List.of(Errno.EIO, Errno.ENOSPC);
            case "rename" -> List.of(Errno.EACCES, Errno.EROFS, Errno.EBUSY, Errno.ENOSPC, Errno.EDQUOT);
            case "delete" -> List.of(Errno.EACCES, Errno.EROFS, Errno.EBUSY, Errno.EIO);
            case "lock" -> List.of(Errno.ENOLCK, Errno.EDEADLK, Errno.EINTR);
            default -> throw new IllegalArgumentException("no errnos listed for " + call);
        };
    }

    private void call(String what, Path path) throws IOException {
        calls.add(what);
        if (calls.size() != failAt) return;
        if (path == null) throw new IOException(errno.description());
        if (errno.equals(Errno.EACCES)) throw new AccessDeniedException(path.toString());
        throw new FileSystemException(path.toString(), null, errno.description());
    }

    @Override public void createDirectories(Path dir) throws IOException { call("mkdir " + dir.getFileName(), dir); FileOps.super.createDirectories(dir); }
    @Override public FileChannel createNew(Path file) throws IOException { call("create " + file.getFileName(), file); return FileOps.super.createNew(file); }
    @Override public void write(FileChannel channel, ByteBuffer bytes) throws IOException { call("write", null); FileOps.super.write(channel, bytes); }
    @Override public void force(FileChannel channel) throws IOException { call("fsync", null); FileOps.super.force(channel); }
    @Override public void rename(Path source, Path target) throws IOException { call("rename " + target.getFileName(), target); FileOps.super.rename(source, target); }
    @Override public void forceDirectory(Path dir) throws IOException { call("fsync dir " + dir.getFileName(), dir); FileOps.super.forceDirectory(dir); }
    @Override public void delete(Path file) throws IOException { call("delete " + file.getFileName(), file); FileOps.super.delete(file); }
    @Override public FileLock lock(Path lockFile) throws IOException { call("lock", lockFile); return FileOps.super.lock(lockFile); }
}
