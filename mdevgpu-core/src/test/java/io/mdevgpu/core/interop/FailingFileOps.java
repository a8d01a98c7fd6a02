package io.mdevgpu.core.interop;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The real file system, counting every call and failing call number {@code failAt} (from 1) with an IOException. */
final class FailingFileOps implements FileOps {
    final List<String> calls = new ArrayList<>();
    long failAt = -1;

    FailingFileOps failAt(long n) {
        failAt = n;
        return this;
    }

    private void call(String what) throws IOException {
        calls.add(what);
        if (calls.size() == failAt) throw new IOException("injected failure of " + what);
    }

    @Override public void createDirectories(Path dir) throws IOException { call("mkdir " + dir.getFileName()); FileOps.super.createDirectories(dir); }
    @Override public FileChannel createNew(Path file) throws IOException { call("create " + file.getFileName()); return FileOps.super.createNew(file); }
    @Override public void write(FileChannel channel, ByteBuffer bytes) throws IOException { call("write"); FileOps.super.write(channel, bytes); }
    @Override public void force(FileChannel channel) throws IOException { call("fsync"); FileOps.super.force(channel); }
    @Override public void rename(Path source, Path target) throws IOException { call("rename " + target.getFileName()); FileOps.super.rename(source, target); }
    @Override public void forceDirectory(Path dir) throws IOException { call("fsync dir " + dir.getFileName()); FileOps.super.forceDirectory(dir); }
    @Override public void delete(Path file) throws IOException { call("delete " + file.getFileName()); FileOps.super.delete(file); }
    @Override public FileLock lock(Path lockFile) throws IOException { call("lock"); return FileOps.super.lock(lockFile); }
}
