package io.mdevgpu.kernel.vfio;

import static io.mdevgpu.kernel.abi.vfio.VfioConstants.VFIO_PCI_CONFIG_REGION_INDEX;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;
import java.util.List;

import io.mdevgpu.Errno;
import io.mdevgpu.KernelException;
import io.mdevgpu.ValidationException;

/**
 * One region of a {@link VfioDevice}: read and written at region offsets, through a live {@link VfioMapping}
 * of that range when there is one, else with {@code pread}/{@code pwrite} on the device fd (the only way for
 * regions without mmap support, such as mtty's). Values are in the CPU's byte order (little-endian, as PCI).
 *
 * <p>A view, not an owner: its mappings belong to it and are closed with the device. Accesses allocate nothing.
 * An access outside the region throws {@link ValidationException} naming the region, the device, the offset, the
 * length and the region's size, before anything reaches the kernel.
 *
 * <p>A close of the device (or of a mapping) from another thread is safe: an access on the fd holds the device's
 * gate, so the close waits for it; an access of a mapping either completes or meets the closed arena. Either way
 * an access after or racing the device's close throws {@link KernelException} with {@code EBADF}, naming the
 * operation ({@code read region BAR1}) and the device, never an {@code IllegalStateException}.
 */
public final class VfioRegion {
    private static final VfioMapping[] NONE = {};
    private static final String READ = "read", WRITE = "write";
    private static final VarHandle MAPPINGS;

    static {
        try {
            MAPPINGS = MethodHandles.lookup().findVarHandle(VfioRegion.class, "mappings", VfioMapping[].class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final VfioDevice device;
    private final VfioRegionInfo info;
    /** Accesses are checked against this; the kernel's sample drivers report config space as 0xff bytes. */
    private final long limit;
    /**
     * Copy-on-write, so accesses iterate without allocating. Written with {@link #MAPPINGS} release (volatile) and
     * read with acquire ({@link #live()}), so that a reader sees a published array's elements, and a retry after an
     * access met a closed mapping sees the array without it (the close writes it before closing the arena).
     */
    private VfioMapping[] mappings = NONE;
    /** Makes the mappings (checks, mmap); this class keeps the live ones and the accesses. */
    private final VfioRegionMapper mapper;

    VfioRegion(VfioDevice device, VfioRegionInfo info) {
        this.device = device;
        this.info = info;
        this.limit = info.index() == VFIO_PCI_CONFIG_REGION_INDEX && info.size() == 0xFF ? 0x100 : info.size();
        this.mapper = new VfioRegionMapper(this, device, info);
    }

    public VfioRegionInfo info() {
        return info;
    }

    public int index() {
        return info.index();
    }

    public long size() {
        return info.size();
    }

    public VfioDevice device() {
        return device;
    }

    public byte read8(long offset) {
        return (byte) readValue(offset, 1);
    }

    public short read16(long offset) {
        return (short) readValue(offset, 2);
    }

    public int read32(long offset) {
        return (int) readValue(offset, 4);
    }

    public long read64(long offset) {
        return readValue(offset, 8);
    }

    public void write8(long offset, byte value) {
        writeValue(offset, 1, value);
    }

    public void write16(long offset, short value) {
        writeValue(offset, 2, value);
    }

    public void write32(long offset, int value) {
        writeValue(offset, 4, value);
    }

    public void write64(long offset, long value) {
        writeValue(offset, 8, value);
    }

    /** A {@code width}-byte read (1, 2, 4, 8: constants where inlined, so the switches fold). */
    private long readValue(long offset, int width) {
        VfioMapping m = mapping(offset, width);
        if (m != null) {
            try {
                return get(m.segment, offset - m.regionOffset, width);
            } catch (IllegalStateException e) {
                unmappedUnder(m, READ, e);
                return readValue(offset, width);
            }
        }
        enter(READ);
        try {
            return get(preadScratch(offset, width), 0, width);
        } finally {
            device.exit();
        }
    }

    private void writeValue(long offset, int width, long value) {
        VfioMapping m = mapping(offset, width);
        if (m != null) {
            try {
                set(m.segment, offset - m.regionOffset, width, value);
            } catch (IllegalStateException e) {
                unmappedUnder(m, WRITE, e);
                writeValue(offset, width, value);
            }
            return;
        }
        enter(WRITE);
        try {
            set(device.scratch, 0, width, value);
            pwriteScratch(offset, width);
        } finally {
            device.exit();
        }
    }

    private static long get(MemorySegment s, long at, int width) {
        return switch (width) {
            case 1 -> s.get(JAVA_BYTE, at);
            case 2 -> s.get(JAVA_SHORT_UNALIGNED, at);
            case 4 -> s.get(JAVA_INT_UNALIGNED, at);
            default -> s.get(JAVA_LONG_UNALIGNED, at);
        };
    }

    private static void set(MemorySegment s, long at, int width, long value) {
        switch (width) {
            case 1 -> s.set(JAVA_BYTE, at, (byte) value);
            case 2 -> s.set(JAVA_SHORT_UNALIGNED, at, (short) value);
            case 4 -> s.set(JAVA_INT_UNALIGNED, at, (int) value);
            default -> s.set(JAVA_LONG_UNALIGNED, at, value);
        }
    }

    /**
     * Fills {@code dst} from the region at {@code offset}. {@code dst} may be a heap segment: without a mapping it is
     * filled through the device's bounce buffer, a page at a time. A {@code dst} whose own arena is closed throws the
     * JDK's {@code IllegalStateException}: that segment is the caller's.
     *
     * @throws ValidationException the range is not within the region
     */
    public void read(long offset, MemorySegment dst) {
        VfioMapping m = mapping(offset, dst.byteSize());
        if (m != null) {
            try {
                MemorySegment.copy(m.segment, offset - m.regionOffset, dst, 0, dst.byteSize());
            } catch (IllegalStateException e) {
                unmappedUnder(m, READ, e);
                read(offset, dst);
            }
            return;
        }
        enter(READ);
        try {
            transfer(offset, dst, false);
        } finally {
            device.exit();
        }
    }

    /**
     * Writes all of {@code src} to the region at {@code offset}; a heap or closed {@code src} as
     * {@link #read(long, MemorySegment)}.
     */
    public void write(long offset, MemorySegment src) {
        VfioMapping m = mapping(offset, src.byteSize());
        if (m != null) {
            try {
                MemorySegment.copy(src, 0, m.segment, offset - m.regionOffset, src.byteSize());
            } catch (IllegalStateException e) {
                unmappedUnder(m, WRITE, e);
                write(offset, src);
            }
            return;
        }
        enter(WRITE);
        try {
            transfer(offset, src, true);
        } finally {
            device.exit();
        }
    }

    void enter(String operation) {
        if (!device.tryEnter()) throw device.closed(operation + " " + regionName());
    }

    /**
     * An access of mapping {@code m} failed with the arena's {@code IllegalStateException}: when the device is
     * closing, the typed use-after-close error; when only the mapping was closed (by another thread), returns, for
     * the access to go again (the mapping has left {@link #mappings}: to the fd or another mapping). An exception
     * of a live mapping is not ours (a closed segment of the caller's): rethrown.
     */
    private void unmappedUnder(VfioMapping m, String operation, IllegalStateException e) {
        if (m.isOpen()) throw e;
        if (!device.isOpen()) throw device.closed(operation + " " + regionName(), e);
    }

    /** The live mappings, read with acquire semantics: an array and its elements as they were published. */
    private VfioMapping[] live() {
        return (VfioMapping[]) MAPPINGS.getAcquire(this);
    }

    /** {@code region BAR1}, {@code region 9}. */
    private String regionName() {
        String name = info.name();
        return name.startsWith("region ") ? name : "region " + name;
    }

    /** Maps the whole region; fails when it has no mmap support or only sparse areas (map those with {@link #mapAreas}). */
    public VfioMapping map() {
        return map(0, info.size());
    }

    /** Maps every area the region allows mapping: the whole region, or each sparse area. */
    public List<VfioMapping> mapAreas() {
        return mapper.mapAreas();
    }

    /**
     * Maps {@code length} bytes at region offset {@code offset} (page-aligned, within one mmap area), shared,
     * readable and writable as the region's flags allow. Accesses of this region in that range then go to the
     * mapping, until it is closed.
     */
    public VfioMapping map(long offset, long length) {
        return mapper.map(offset, length);
    }

    /**
     * Maps {@code length} bytes at region offset {@code offset} for as long as {@code arena} lives: closing the arena
     * unmaps them. The caller's arena decides who may access the segment and what closing costs: a confined arena
     * (one thread) closes without the JVM-wide handshake a shared one needs, which is most of what
     * {@link #map(long, long)} costs. Such a mapping is the caller's alone: this region's reads and writes do not go
     * through it, and the device's close leaves it mapped (the kernel keeps the device's file while a mapping of it
     * lives), so the memory stays valid until the arena closes.
     */
    public MemorySegment map(long offset, long length, Arena arena) {
        return mapper.map(offset, length, arena);
    }

    /** Publishes a new mapping: accesses in its range go to it from now. */
    void published(VfioMapping mapping) {
        VfioMapping[] live = live();
        VfioMapping[] grown = Arrays.copyOf(live, live.length + 1);
        grown[live.length] = mapping;
        MAPPINGS.setVolatile(this, grown);
    }

    /** The live mappings, oldest first. */
    public List<VfioMapping> mappings() {
        return List.of(live());
    }

    void unmapped(VfioMapping mapping) {
        VfioMapping[] live = live();
        int at = -1;
        for (int i = 0; i < live.length; i++) if (live[i] == mapping) at = i;
        if (at < 0) return;
        if (live.length == 1) {
            MAPPINGS.setVolatile(this, NONE);
            return;
        }
        VfioMapping[] left = new VfioMapping[live.length - 1];
        System.arraycopy(live, 0, left, 0, at);
        System.arraycopy(live, at + 1, left, at, live.length - at - 1);
        MAPPINGS.setVolatile(this, left);
    }

    /** In the device's close. */
    void unmapAll() {
        Closer closer = new Closer();
        for (VfioMapping m : live().clone()) closer.run(m::closeWithDevice);
        closer.finish();
    }

    /** Munmap for a mapping's arena cleanup, with the device's capture (the device outlives its mappings). */
    int munmap(long address, long length) {
        KernelFd fd = device.fd;
        return fd.kernel.munmap(fd.errno, address, length);
    }

    /**
     * The live mapping that holds the whole access, or null; checks the access against the region. No gate: the
     * mapping's arena guards its own accesses, and a closed device has none left (its accesses go to the fd's gate).
     */
    private VfioMapping mapping(long offset, long length) {
        if (offset < 0 || offset > limit - length) throw outOfRange(offset, length);
        VfioMapping[] live = live();
        for (int i = 0; i < live.length; i++) {
            if (live[i].covers(offset, length)) return live[i];
        }
        return null;
    }

    private MemorySegment preadScratch(long offset, int length) {
        KernelFd fd = device.fd;
        long n = fd.kernel.pread(fd.errno, fd.fd, device.scratch, length, info.offset() + offset);
        if (n != length) throw transferFailure("pread", offset, length, n);
        return device.scratch;
    }

    private void pwriteScratch(long offset, int length) {
        KernelFd fd = device.fd;
        long n = fd.kernel.pwrite(fd.errno, fd.fd, device.scratch, length, info.offset() + offset);
        if (n != length) throw transferFailure("pwrite", offset, length, n);
    }

    /**
     * Bulk pread/pwrite, continuing after partial transfers. The kernel takes native memory only: a heap segment goes
     * through the device's bounce buffer.
     */
    private void transfer(long offset, MemorySegment buffer, boolean write) {
        if (!buffer.isNative()) {
            bounce(offset, buffer, write);
            return;
        }
        KernelFd fd = device.fd;
        long done = 0;
        long total = buffer.byteSize();
        while (done < total) {
            MemorySegment rest = buffer.asSlice(done);
            long n = write ? fd.kernel.pwrite(fd.errno, fd.fd, rest, total - done, info.offset() + offset + done)
                    : fd.kernel.pread(fd.errno, fd.fd, rest, total - done, info.offset() + offset + done);
            if (n <= 0) throw transferFailure(write ? "pwrite" : "pread", offset + done, total - done, n);
            done += n;
        }
    }

    private void bounce(long offset, MemorySegment heap, boolean write) {
        KernelFd fd = device.fd;
        MemorySegment bounce = device.scratch;
        long done = 0;
        long total = heap.byteSize();
        while (done < total) {
            long chunk = Math.min(bounce.byteSize(), total - done);
            if (write) MemorySegment.copy(heap, done, bounce, 0, chunk);
            long n = write ? fd.kernel.pwrite(fd.errno, fd.fd, bounce, chunk, info.offset() + offset + done)
                    : fd.kernel.pread(fd.errno, fd.fd, bounce, chunk, info.offset() + offset + done);
            if (n <= 0) throw transferFailure(write ? "pwrite" : "pread", offset + done, total - done, n);
            if (!write) MemorySegment.copy(bounce, 0, heap, done, n);
            done += n;
        }
    }

    private KernelException transferFailure(String operation, long offset, long length, long result) {
        String at = what() + " at 0x" + Long.toHexString(offset) + " (" + length + " bytes)";
        if (result < 0) return KernelException.of(operation, at, Errno.of((int) -result), null);
        return KernelException.of(operation, at, Errno.EIO, "the driver transferred " + result + " of " + length + " bytes");
    }

    private ValidationException outOfRange(long offset, long length) {
        return new ValidationException("access of " + regionName() + " of " + device.fd.target,
                hex(offset) + " + " + length + (length == 1 ? " byte" : " bytes"),
                "a range within the region's " + hex(limit) + " bytes");
    }

    private static String hex(long value) {
        return value < 0 ? "-0x" + Long.toHexString(-value) : "0x" + Long.toHexString(value);
    }

    String what() {
        return info.name() + " of " + device.fd.target;
    }

    @Override
    public String toString() {
        VfioMapping[] live = live();
        return info + (live.length == 0 ? "" : ", mapped " + Arrays.toString(live));
    }
}
