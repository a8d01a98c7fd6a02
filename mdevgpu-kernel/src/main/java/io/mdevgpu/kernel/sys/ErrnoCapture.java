package io.mdevgpu.kernel.sys;

import java.lang.foreign.Arena;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;

import io.mdevgpu.Errno;

/**
 * The segment into which a downcall captures {@code errno}. Each handle allocates one from its own arena
 * when it opens, so that the hot paths (an ioctl, a pread) allocate nothing.
 */
public final class ErrnoCapture {
    static final MemoryLayout LAYOUT = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO =
            LAYOUT.varHandle(MemoryLayout.PathElement.groupElement("errno"));

    final MemorySegment segment;

    public ErrnoCapture(Arena arena) {
        this.segment = arena.allocate(LAYOUT);
    }

    /** The errno the last failed call through this capture left. */
    public int errno() {
        return (int) ERRNO.get(segment, 0L);
    }

    public Errno toErrno() {
        return Errno.of(errno());
    }
}
