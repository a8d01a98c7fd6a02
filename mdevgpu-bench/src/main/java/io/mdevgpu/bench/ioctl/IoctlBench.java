package io.mdevgpu.bench.ioctl;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import com.sun.jna.Pointer;

import io.mdevgpu.bench.NativeBench;
import io.mdevgpu.bench.baseline.CBaseline;
import io.mdevgpu.bench.baseline.JnaLibc;
import io.mdevgpu.kernel.sys.ErrnoCapture;
import io.mdevgpu.kernel.sys.Ioctl;
import io.mdevgpu.kernel.sys.Syscalls;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

/**
 * An ioctl round trip on a real file descriptor that the kernel answers at once, three ways side by side: the
 * library's syscall layer ({@code _mdevgpu}), C ({@code _c}) and JNA direct mapping ({@code _jna}).
 *
 * <ul>
 * <li>{@code fionread*}: {@code FIONREAD} on a pipe holding {@value #QUEUED} bytes (success path).
 * <li>{@code enotty*}: a VFIO-shaped {@code _IOWR(';', 108, 32)} with a 32-byte {@code vfio_region_info}-shaped
 *     argument on the same pipe, which answers {@code ENOTTY} (error path: every row reads errno).
 * </ul>
 * {@code *Loop} rows make {@value #LOOP} calls per invocation (C loops in C, so it pays no transition per call);
 * {@code *Call} rows make one call per invocation (C is one downcall, so harness and transition match the
 * library's). Both are reported per call; docs/benchmarks.md explains how to read the ratios.
 *
 * <p>TODO(vfio): once {@code io.mdevgpu.kernel.vfio} lands, add rows through a device handle's own ioctl
 * method (its preallocated argument struct and errno capture) on the simulated VFIO device.
 */
public class IoctlBench extends NativeBench {
    static final int LOOP = 1000;
    static final int QUEUED = 5;
    /** {@code FIONREAD} (asm-generic/ioctls.h): bytes queued for reading. */
    static final long FIONREAD = 0x541B;
    static final int VFIO_TYPE = ';', VFIO_BASE = 100;
    /** Shaped like {@code VFIO_DEVICE_GET_REGION_INFO} with a 32-byte struct; a pipe answers ENOTTY. */
    static final long VFIO_SHAPED = Ioctl.iowr(VFIO_TYPE, VFIO_BASE + 8, 32) & 0xFFFF_FFFFL;

    private Arena arena;
    private ErrnoCapture errno;
    private MemorySegment capture;
    private int readFd = -1, writeFd = -1;
    MemorySegment count, regionInfo; // package-private: the test reads what each row left in them
    private Pointer countJna, regionInfoJna;

    @Setup(Level.Trial)
    public void open() {
        arena = Arena.ofShared();
        errno = new ErrnoCapture(arena);
        capture = arena.allocate(java.lang.foreign.Linker.Option.captureStateLayout());
        MemorySegment fds = arena.allocate(ValueLayout.JAVA_INT, 2);
        if (Syscalls.pipe2(errno, fds, Syscalls.O_CLOEXEC) < 0) {
            throw Syscalls.failure("pipe2", "benchmark pipe", errno.toErrno());
        }
        readFd = fds.getAtIndex(ValueLayout.JAVA_INT, 0);
        writeFd = fds.getAtIndex(ValueLayout.JAVA_INT, 1);
        MemorySegment data = arena.allocate(QUEUED);
        if (Syscalls.write(errno, writeFd, data, QUEUED) != QUEUED) {
            throw Syscalls.failure("write", "benchmark pipe", errno.toErrno());
        }
        count = arena.allocate(ValueLayout.JAVA_INT);
        regionInfo = arena.allocate(32, 8);
        regionInfo.set(ValueLayout.JAVA_INT, 0, 32); // argsz, as a VFIO caller sets it
        countJna = new Pointer(count.address());
        regionInfoJna = new Pointer(regionInfo.address());
    }

    @TearDown(Level.Trial)
    public void close() {
        Syscalls.closeQuietly(readFd);
        Syscalls.closeQuietly(writeFd);
        arena.close();
    }

    // ---- FIONREAD, success path ----

    @Benchmark
    @OperationsPerInvocation(LOOP)
    public long fionreadLoop_mdevgpu() {
        long sum = 0;
        for (int i = 0; i < LOOP; i++) {
            sum += Syscalls.ioctl(errno, readFd, FIONREAD, count);
        }
        return sum;
    }

    /** The same loop through a {@code critical(false)} downcall ({@link CriticalIoctl}): the transition's share. */
    @Benchmark
    @OperationsPerInvocation(LOOP)
    public long fionreadLoop_critical() {
        long sum = 0;
        for (int i = 0; i < LOOP; i++) {
            sum += CriticalIoctl.ioctl(capture, readFd, FIONREAD, count);
        }
        return sum;
    }

    @Benchmark
    @OperationsPerInvocation(LOOP)
    public long fionreadLoop_c() {
        return CBaseline.ioctlLoop(readFd, FIONREAD, count, LOOP);
    }

    @Benchmark
    @OperationsPerInvocation(LOOP)
    public long fionreadLoop_jna() {
        long sum = 0;
        for (int i = 0; i < LOOP; i++) {
            sum += JnaLibc.ioctl(readFd, FIONREAD, countJna);
        }
        return sum;
    }

    @Benchmark
    public int fionreadCall_mdevgpu() {
        return Syscalls.ioctl(errno, readFd, FIONREAD, count);
    }

    @Benchmark
    public int fionreadCall_c() {
        return CBaseline.ioctlOnce(readFd, FIONREAD, count);
    }

    @Benchmark
    public int fionreadCall_jna() {
        return JnaLibc.ioctl(readFd, FIONREAD, countJna);
    }

    // ---- VFIO-shaped request answered by ENOTTY, error path ----

    @Benchmark
    @OperationsPerInvocation(LOOP)
    public long enottyLoop_mdevgpu() {
        long sum = 0;
        for (int i = 0; i < LOOP; i++) {
            int r = Syscalls.ioctl(errno, readFd, VFIO_SHAPED, regionInfo);
            sum += r < 0 ? -errno.errno() : r;
        }
        return sum;
    }

    @Benchmark
    @OperationsPerInvocation(LOOP)
    public long enottyLoop_c() {
        return CBaseline.ioctlLoop(readFd, VFIO_SHAPED, regionInfo, LOOP);
    }

    @Benchmark
    @OperationsPerInvocation(LOOP)
    public long enottyLoop_jna() {
        long sum = 0;
        for (int i = 0; i < LOOP; i++) {
            int r = JnaLibc.ioctl(readFd, VFIO_SHAPED, regionInfoJna);
            sum += r < 0 ? -JnaLibc.errno() : r;
        }
        return sum;
    }

    @Benchmark
    public int enottyCall_mdevgpu() {
        int r = Syscalls.ioctl(errno, readFd, VFIO_SHAPED, regionInfo);
        return r < 0 ? -errno.errno() : r;
    }

    @Benchmark
    public int enottyCall_c() {
        return CBaseline.ioctlOnce(readFd, VFIO_SHAPED, regionInfo);
    }

    @Benchmark
    public int enottyCall_jna() {
        int r = JnaLibc.ioctl(readFd, VFIO_SHAPED, regionInfoJna);
        return r < 0 ? -JnaLibc.errno() : r;
    }
}
