package io.mdevgpu.kernel.sys;

import java.lang.foreign.Arena;
import java.lang.foreign.GroupLayout;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import io.mdevgpu.Errno;
import io.mdevgpu.kernel.abi.LayoutMember;

/**
 * The segment into which a downcall captures {@code errno}. Each handle allocates one from its own arena
 * when it opens, so that the hot paths (an ioctl, a pread) allocate nothing.
 */
public final class ErrnoCapture {
    static final MemoryLayout LAYOUT = Linker.Option.captureStateLayout();
    // read at its offset: a layout-path var handle links method handles on first use, some 5 ms of a cold process
    private static final long ERRNO = LayoutMember.of((GroupLayout) LAYOUT, "errno").offset();

    private static final ThreadLocal<ErrnoCapture> OF_THREAD = ThreadLocal.withInitial(() -> new ErrnoCapture(Arena.ofAuto()));

    final MemorySegment segment;

    public ErrnoCapture(Arena arena) {
        this.segment = arena.allocate(LAYOUT);
    }

    /**
     * The calling thread's own capture, for callers that no single handle owns: several threads calling through one
     * transport, or an arena's cleanup, which runs after its own arena's memory is gone. Made once per thread.
     */
    public static ErrnoCapture ofThread() {
        return OF_THREAD.get();
    }

    /** The errno the last failed call through this capture left. */
    public int errno() {
        return segment.get(ValueLayout.JAVA_INT, ERRNO);
    }

    public Errno toErrno() {
        return Errno.of(errno());
    }
}
