package io.mdevgpu.bench.region;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import io.mdevgpu.bench.NativeBench;
import io.mdevgpu.bench.baseline.CBaseline;
import io.mdevgpu.kernel.testing.MemfdVfio;
import io.mdevgpu.kernel.vfio.VfioDevice;
import io.mdevgpu.kernel.vfio.VfioRegion;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

/**
 * A VFIO device handle's own paths, each with its preallocated argument struct, bounce buffer and errno capture:
 *
 * <ul>
 * <li>{@code pread64}: {@link VfioRegion#read64} of a region without mmap support, one {@code pread} of 8 bytes on
 *     the device fd ({@code _mdevgpu}), against one C {@code pread} of the same 8 bytes ({@code _c}, one downcall,
 *     so harness and transition match).
 * <li>{@code ioctlReset}, {@code ioctlIrqInfo}: {@link VfioDevice#reset()} ({@code VFIO_DEVICE_RESET}, an integer
 *     argument) and {@link VfioDevice#irqInfo} ({@code VFIO_DEVICE_GET_IRQ_INFO} into the device's preallocated
 *     {@code vfio_irq_info}, decoded into a value). The memfd-backed kernel answers these ioctls in Java, so they
 *     time the library's handle path, not a kernel: no C row. Issue 3's smoke: they must allocate nothing.
 * </ul>
 */
public class VfioDeviceBench extends NativeBench {
    /** The word read: not a constant, so that nothing is folded. */
    public long offset = 8;

    private MemfdVfio vfio;
    private VfioDevice device;
    private VfioRegion preadOnly;
    private Arena arena;
    private MemorySegment word;

    @Setup(Level.Trial)
    public void open() {
        vfio = Regions.device(Regions.REGION_BYTES);
        device = vfio.device();
        preadOnly = device.region(Regions.PREAD_ONLY);
        arena = Arena.ofShared();
        word = arena.allocate(JAVA_LONG);
    }

    @TearDown(Level.Trial)
    public void close() {
        vfio.close();
        arena.close();
    }

    @Benchmark
    public long pread64_mdevgpu() {
        return preadOnly.read64(offset);
    }

    @Benchmark
    public long pread64_c() {
        long n = CBaseline.preadOnce(vfio.fd(), word, 8, preadOnly.info().offset() + offset);
        return n == 8 ? word.get(JAVA_LONG, 0) : n;
    }

    @Benchmark
    public void ioctlReset_mdevgpu() {
        device.reset();
    }

    @Benchmark
    public int ioctlIrqInfo_mdevgpu() {
        return device.irqInfo(0).count();
    }
}
