package io.mdevgpu.kernel.vfio;

import static io.mdevgpu.kernel.abi.vfio.VfioConstants.*;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Map;
import java.util.function.Function;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.mdevgpu.MdevException;
import io.mdevgpu.kernel.abi.vfio.vfio_device_info;
import io.mdevgpu.kernel.abi.vfio.vfio_iommu_type1_info;
import io.mdevgpu.kernel.abi.vfio.vfio_iommu_type1_info_cap_iova_range;
import io.mdevgpu.kernel.abi.vfio.vfio_iommu_type1_info_dma_avail;
import io.mdevgpu.kernel.abi.vfio.vfio_iova_range;
import io.mdevgpu.kernel.abi.vfio.vfio_irq_info;
import io.mdevgpu.kernel.abi.vfio.vfio_region_info;
import io.mdevgpu.kernel.abi.vfio.vfio_region_info_cap_type;
import io.mdevgpu.kernel.testing.FuzzCorpus;
import org.junit.jupiter.api.Test;

/**
 * VFIO's INFO replies on arbitrary bytes: the input is the reply (zero-padded to the fixed struct), allocated
 * 8-byte aligned as {@link InfoReply#query} allocates it, then decoded with its capability chain. A reply the
 * kernel could never send must end in a typed {@code EIO}, never in a loop, an out-of-bounds access or another
 * exception.
 */
class VfioReplyFuzzTest {

    private static void decode(byte[] data, long fixedSize, Function<MemorySegment, Object> decoder) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment reply = arena.allocate(Math.max(data.length, fixedSize), InfoReply.ALIGNMENT);
            MemorySegment.copy(data, 0, reply, ValueLayout.JAVA_BYTE, 0, data.length);
            try {
                decoder.apply(reply).toString();
            } catch (MdevException refused) {
                // the typed EIO for a malformed reply: allowed
            }
        }
    }

    @FuzzTest(maxDuration = "5m")
    void regionInfo(byte[] data) {
        decode(data, vfio_region_info.sizeof(), r -> {
            VfioRegionInfo info = new InfoReply("VFIO_DEVICE_GET_REGION_INFO", "region 0 of fuzz").region(r);
            for (VfioRegionInfo.Area area : info.mmapAreas()) {
                assertTrue(Long.compareUnsigned(area.size(), info.size()) <= 0
                        && Long.compareUnsigned(area.offset(), info.size() - area.size()) <= 0, "area " + area + " outside " + info);
            }
            return info;
        });
    }

    @FuzzTest(maxDuration = "5m")
    void deviceInfo(byte[] data) {
        decode(data, vfio_device_info.sizeof(), r -> new InfoReply("VFIO_DEVICE_GET_INFO", "fuzz").device(r));
    }

    @FuzzTest(maxDuration = "5m")
    void iommuInfo(byte[] data) {
        decode(data, vfio_iommu_type1_info.sizeof(), r -> new InfoReply("VFIO_IOMMU_GET_INFO", "container").iommu(r));
    }

    /** {@code VFIO_DEVICE_GET_IRQ_INFO}'s reply as {@link VfioDevice#irqInfo} reads it. */
    @FuzzTest(maxDuration = "5m")
    void irqInfo(byte[] data) {
        decode(data, vfio_irq_info.sizeof(), r -> {
            VfioIrqInfo irq = new VfioIrqInfo(vfio_irq_info.index(r), vfio_irq_info.flags(r), vfio_irq_info.count(r));
            irq.name();
            return irq;
        });
    }

    // ---- seeds: replies as vfio-pci and the simulated VFIO kernel give them

    private static byte[] region(Arena arena) {
        int flags = VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE | VFIO_REGION_INFO_FLAG_MMAP | VFIO_REGION_INFO_FLAG_CAPS;
        MemorySegment r = arena.allocate(32 + 48 + 16, 8);
        vfio_region_info.argsz(r, (int) r.byteSize());
        vfio_region_info.flags(r, flags);
        vfio_region_info.index(r, 1);
        vfio_region_info.cap_offset(r, 32);
        vfio_region_info.size(r, 16 << 20);
        vfio_region_info.offset(r, 0x1_0000_0000L);
        InfoReplyTest.sparse(r, 32, 80, 0, 0x1000, 0x3000, 0xFFD000);
        InfoReplyTest.header(r, 80, VFIO_REGION_INFO_CAP_TYPE, 0);
        vfio_region_info_cap_type.type(r.asSlice(80), 1);
        vfio_region_info_cap_type.subtype(r.asSlice(80), 2);
        return r.toArray(ValueLayout.JAVA_BYTE);
    }

    private static byte[] plainRegion(Arena arena) {
        MemorySegment r = arena.allocate(vfio_region_info.LAYOUT);
        vfio_region_info.argsz(r, (int) r.byteSize());
        vfio_region_info.flags(r, VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE);
        vfio_region_info.index(r, 7);
        vfio_region_info.size(r, 4096);
        vfio_region_info.offset(r, 7L << 40);
        return r.toArray(ValueLayout.JAVA_BYTE);
    }

    private static byte[] device(Arena arena) {
        MemorySegment d = arena.allocate(vfio_device_info.sizeof() + 8, 8);
        vfio_device_info.argsz(d, (int) d.byteSize());
        vfio_device_info.flags(d, VFIO_DEVICE_FLAGS_PCI | VFIO_DEVICE_FLAGS_RESET | VFIO_DEVICE_FLAGS_CAPS);
        vfio_device_info.num_regions(d, 9);
        vfio_device_info.num_irqs(d, 5);
        vfio_device_info.cap_offset(d, (int) vfio_device_info.sizeof());
        InfoReplyTest.header(d, vfio_device_info.sizeof(), 3, 0);
        return d.toArray(ValueLayout.JAVA_BYTE);
    }

    private static byte[] iommu(Arena arena) {
        MemorySegment i = arena.allocate(24 + 48 + 16, 8);
        vfio_iommu_type1_info.argsz(i, (int) i.byteSize());
        vfio_iommu_type1_info.flags(i, VFIO_IOMMU_INFO_PGSIZES | VFIO_IOMMU_INFO_CAPS);
        vfio_iommu_type1_info.iova_pgsizes(i, 0x40201000L);
        vfio_iommu_type1_info.cap_offset(i, 24);
        InfoReplyTest.header(i, 24, VFIO_IOMMU_TYPE1_INFO_CAP_IOVA_RANGE, 72);
        vfio_iommu_type1_info_cap_iova_range.nr_iovas(i.asSlice(24), 2);
        MemorySegment ranges = vfio_iommu_type1_info_cap_iova_range.iova_ranges(i.asSlice(24));
        vfio_iova_range.end(vfio_iova_range.asSlice(ranges, 0), 0xFEDFFFFFL);
        vfio_iova_range.start(vfio_iova_range.asSlice(ranges, 1), 0xFEF00000L);
        vfio_iova_range.end(vfio_iova_range.asSlice(ranges, 1), 0xFFFFFFFFFFFFL);
        InfoReplyTest.header(i, 72, VFIO_IOMMU_TYPE1_INFO_DMA_AVAIL, 0);
        vfio_iommu_type1_info_dma_avail.avail(i.asSlice(72), 65535);
        return i.toArray(ValueLayout.JAVA_BYTE);
    }

    private static byte[] msi(Arena arena) {
        MemorySegment q = arena.allocate(vfio_irq_info.LAYOUT);
        vfio_irq_info.argsz(q, (int) q.byteSize());
        vfio_irq_info.index(q, 1);
        vfio_irq_info.flags(q, VFIO_IRQ_INFO_EVENTFD | VFIO_IRQ_INFO_NORESIZE);
        vfio_irq_info.count(q, 1);
        return q.toArray(ValueLayout.JAVA_BYTE);
    }

    @Test
    void seedCorporaHoldWellFormedReplies() {
        try (Arena arena = Arena.ofConfined()) {
            int n = FuzzCorpus.check(getClass(), "regionInfo", Map.of("bar1 sparse and typed", region(arena),
                            "config region without caps", plainRegion(arena)))
                    + FuzzCorpus.check(getClass(), "deviceInfo", Map.of("pci device with a capability", device(arena)))
                    + FuzzCorpus.check(getClass(), "iommuInfo", Map.of("iova ranges and dma avail", iommu(arena)))
                    + FuzzCorpus.check(getClass(), "irqInfo", Map.of("msi", msi(arena)));
            assertTrue(n == 5, n + " seeds");
        }
    }
}
