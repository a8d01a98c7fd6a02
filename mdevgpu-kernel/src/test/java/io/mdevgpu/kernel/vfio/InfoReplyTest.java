package io.mdevgpu.kernel.vfio;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;
import static io.mdevgpu.kernel.abi.vfio.VfioConstants.*;
import static org.junit.jupiter.api.Assertions.*;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

import io.mdevgpu.Errno;
import io.mdevgpu.KernelException;
import io.mdevgpu.kernel.abi.vfio.vfio_device_info;
import io.mdevgpu.kernel.abi.vfio.vfio_info_cap_header;
import io.mdevgpu.kernel.abi.vfio.vfio_iommu_type1_info;
import io.mdevgpu.kernel.abi.vfio.vfio_iommu_type1_info_cap_iova_range;
import io.mdevgpu.kernel.abi.vfio.vfio_iommu_type1_info_dma_avail;
import io.mdevgpu.kernel.abi.vfio.vfio_iova_range;
import io.mdevgpu.kernel.abi.vfio.vfio_region_info;
import io.mdevgpu.kernel.abi.vfio.vfio_region_info_cap_sparse_mmap;
import io.mdevgpu.kernel.abi.vfio.vfio_region_info_cap_type;
import io.mdevgpu.kernel.abi.vfio.vfio_region_sparse_mmap_area;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Capability chains on hand-built replies, well-formed and malformed. */
class InfoReplyTest {
    private final Arena arena = Arena.ofConfined();
    private final InfoReply parser = new InfoReply("VFIO_DEVICE_GET_REGION_INFO", "region 0 of device test");

    @AfterEach
    void close() {
        arena.close();
    }

    /** A region_info reply of {@code size} bytes: BAR0, 16 MiB at 0x10000000, caps at {@code capOffset}. */
    private MemorySegment regionReply(long size, int flags, int capOffset) {
        MemorySegment r = arena.allocate(size, 8);
        vfio_region_info.argsz(r, (int) size);
        vfio_region_info.flags(r, flags);
        vfio_region_info.index(r, 0);
        vfio_region_info.cap_offset(r, capOffset);
        vfio_region_info.size(r, 16 << 20);
        vfio_region_info.offset(r, 0x1000_0000L);
        return r;
    }

    static void header(MemorySegment reply, long at, int id, int next) {
        MemorySegment h = reply.asSlice(at, vfio_info_cap_header.LAYOUT);
        vfio_info_cap_header.id(h, (short) id);
        vfio_info_cap_header.version(h, (short) 1);
        vfio_info_cap_header.next(h, next);
    }

    static void sparse(MemorySegment reply, long at, int next, long... offsetSize) {
        header(reply, at, VFIO_REGION_INFO_CAP_SPARSE_MMAP, next);
        MemorySegment s = reply.asSlice(at);
        vfio_region_info_cap_sparse_mmap.nr_areas(s, offsetSize.length / 2);
        for (int i = 0; i < offsetSize.length / 2; i++) {
            MemorySegment a = vfio_region_sparse_mmap_area.asSlice(vfio_region_info_cap_sparse_mmap.areas(s), i);
            vfio_region_sparse_mmap_area.offset(a, offsetSize[2 * i]);
            vfio_region_sparse_mmap_area.size(a, offsetSize[2 * i + 1]);
        }
    }

    private KernelException malformed(MemorySegment reply) {
        KernelException e = assertThrows(KernelException.class, () -> parser.region(reply));
        assertEquals(Errno.EIO, e.errno());
        assertTrue(e.getMessage().startsWith("VFIO_DEVICE_GET_REGION_INFO region 0 of device test ("), e.getMessage());
        assertTrue(e.fix().orElseThrow().contains("malformed"), e.getMessage());
        return e;
    }

    @Test
    void sparseAreasAndTypeAreDecodedInChainOrder() {
        int flags = VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE | VFIO_REGION_INFO_FLAG_MMAP | VFIO_REGION_INFO_FLAG_CAPS;
        MemorySegment r = regionReply(32 + 48 + 16, flags, 32);
        sparse(r, 32, 80, 0, 0x1000, 0x3000, 0xFFD000);
        header(r, 80, VFIO_REGION_INFO_CAP_TYPE, 0);
        vfio_region_info_cap_type.type(r.asSlice(80), VFIO_REGION_TYPE_GFX);
        vfio_region_info_cap_type.subtype(r.asSlice(80), VFIO_REGION_SUBTYPE_GFX_EDID);

        VfioRegionInfo info = parser.region(r);
        assertEquals(0, info.index());
        assertEquals(16 << 20, info.size());
        assertEquals(0x1000_0000L, info.offset());
        assertTrue(info.sparse());
        assertEquals(List.of(new VfioRegionInfo.Area(0, 0x1000), new VfioRegionInfo.Area(0x3000, 0xFFD000)), info.mmapAreas());
        assertEquals(Optional.of(new VfioRegionInfo.Type(1, 1)), info.type());
        assertEquals(List.of(VFIO_REGION_INFO_CAP_SPARSE_MMAP, VFIO_REGION_INFO_CAP_TYPE), info.capabilities());
        assertTrue(info.mappable());
        assertEquals("BAR0 size 0x1000000 at 0x10000000 [RWM] sparse [0x0+0x1000, 0x3000+0xffd000] type 0x1 subtype 1",
                info.toString());
    }

    @Test
    void withoutTheCapsFlagTheChainIsIgnored() {
        MemorySegment r = regionReply(64, VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_MMAP, 0x7777);
        VfioRegionInfo info = parser.region(r);
        assertEquals(List.of(), info.capabilities());
        assertFalse(info.sparse());
        assertEquals(List.of(new VfioRegionInfo.Area(0, 16 << 20)), info.mmapAreas(), "MMAP without sparse: all of it");
    }

    @Test
    void capsFlagWithoutOffsetIsAReplyThatDidNotFit() {
        // what the kernel answers when argsz was too small: CAPS set, cap_offset 0, argsz = what it needs
        MemorySegment r = regionReply(32, VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_CAPS, 0);
        assertEquals(List.of(), parser.region(r).capabilities());
        assertEquals(List.of(), parser.region(r).mmapAreas(), "no MMAP flag: nothing to map");
    }

    @Test
    void aNextPointerOutOfBoundsIsATypedError() {
        MemorySegment r = regionReply(64, VFIO_REGION_INFO_FLAG_CAPS, 32);
        header(r, 32, 99, 0x1000);
        assertTrue(malformed(r).getMessage().contains("capability offset 0x1000 is outside 0x20..0x40"));
    }

    @Test
    void aFirstOffsetInsideTheFixedStructOrPastTheEndIsATypedError() {
        assertTrue(malformed(regionReply(64, VFIO_REGION_INFO_FLAG_CAPS, 8)).getMessage().contains("offset 0x8 is outside"));
        assertTrue(malformed(regionReply(64, VFIO_REGION_INFO_FLAG_CAPS, 60)).getMessage().contains("offset 0x3c is outside"));
        assertTrue(malformed(regionReply(64, VFIO_REGION_INFO_FLAG_CAPS, -8)).getMessage().contains("offset 0xfffffff8 is outside"));
    }

    @Test
    void loopsAreTypedErrorsNotHangs() {
        MemorySegment self = regionReply(64, VFIO_REGION_INFO_FLAG_CAPS, 32);
        header(self, 32, 99, 32);
        assertTrue(malformed(self).getMessage().contains("capability at 0x20 points back to 0x20 (a loop)"));

        MemorySegment back = regionReply(80, VFIO_REGION_INFO_FLAG_CAPS, 32);
        header(back, 32, 99, 48);
        header(back, 48, 98, 32);
        assertTrue(malformed(back).getMessage().contains("capability at 0x30 points back to 0x20"));
    }

    @Test
    void aMisalignedCapabilityIsATypedError() {
        MemorySegment r = regionReply(64, VFIO_REGION_INFO_FLAG_CAPS, 34);
        assertTrue(malformed(r).getMessage().contains("capability offset 0x22 is misaligned"));
        MemorySegment s = regionReply(64, VFIO_REGION_INFO_FLAG_CAPS | VFIO_REGION_INFO_FLAG_MMAP, 52);
        header(s, 52, VFIO_REGION_INFO_CAP_SPARSE_MMAP, 0); // 4-aligned and 12 bytes: too short for the 16 it needs
        assertTrue(malformed(s).getMessage().contains("vfio_region_info_cap_sparse_mmap at 0x34 needs 0x10 bytes, has 0xc"));
    }

    @Test
    void aFourAlignedCapabilityWithU64FieldsIsReadAsTheKernelPacksIt() {
        MemorySegment s = regionReply(96, VFIO_REGION_INFO_FLAG_CAPS | VFIO_REGION_INFO_FLAG_MMAP, 36);
        sparseUnaligned(s, 36, 0x1000, 0x3000);
        VfioRegionInfo info = parser.region(s);
        assertEquals(List.of(new VfioRegionInfo.Area(0x1000, 0x3000)), info.mmapAreas());
    }

    /** A sparse mmap capability at a 4-aligned offset, written byte by byte as the kernel packs it. */
    private static void sparseUnaligned(MemorySegment reply, long at, long offset, long size) {
        header(reply, at, VFIO_REGION_INFO_CAP_SPARSE_MMAP, 0);
        reply.set(JAVA_INT_UNALIGNED, at + 8, 1);
        reply.set(JAVA_LONG_UNALIGNED, at + 16, offset);
        reply.set(JAVA_LONG_UNALIGNED, at + 24, size);
    }

    @Test
    void iommuInfoInTheRealKernelsOrderHasItsIovaRangesOnlyFourAligned() {
        // type1 on 6.1/6.12 behind intel-iommu (K19): migration (32 bytes) at 0x18, DMA avail (12) at 0x38, IOVA ranges at 0x44
        MemorySegment i = arena.allocate(0x44 + 48, 8);
        vfio_iommu_type1_info.argsz(i, (int) i.byteSize());
        vfio_iommu_type1_info.flags(i, VFIO_IOMMU_INFO_PGSIZES | VFIO_IOMMU_INFO_CAPS);
        vfio_iommu_type1_info.iova_pgsizes(i, 0x40201000L);
        vfio_iommu_type1_info.cap_offset(i, 0x18);
        header(i, 0x18, VFIO_IOMMU_TYPE1_INFO_CAP_MIGRATION, 0x38);
        header(i, 0x38, VFIO_IOMMU_TYPE1_INFO_DMA_AVAIL, 0x44);
        i.set(JAVA_INT, 0x38 + 8, 65534);
        header(i, 0x44, VFIO_IOMMU_TYPE1_INFO_CAP_IOVA_RANGE, 0);
        i.set(JAVA_INT, 0x44 + 8, 2);
        long[] ends = {0, 0xFEDFFFFFL, 0xFEF00000L, 0x7FFFFFFFFFL};
        for (int k = 0; k < 4; k++) i.set(JAVA_LONG_UNALIGNED, 0x44 + 16 + 8 * k, ends[k]);
        VfioIommuInfo info = new InfoReply("VFIO_IOMMU_GET_INFO", "container").iommu(i);
        assertEquals(List.of(new VfioIommuInfo.IovaRange(0, 0xFEDFFFFFL), new VfioIommuInfo.IovaRange(0xFEF00000L, 0x7FFFFFFFFFL)),
                info.iovaRanges());
        assertEquals(OptionalLong.of(65534), info.dmaAvailable());
    }

    @Test
    void sparseAreaCountsBeyondTheReplyAreTypedErrors() {
        MemorySegment r = regionReply(64, VFIO_REGION_INFO_FLAG_CAPS | VFIO_REGION_INFO_FLAG_MMAP, 32);
        sparse(r, 32, 0, 0, 0x1000);
        vfio_region_info_cap_sparse_mmap.nr_areas(r.asSlice(32), -1); // 4294967295 areas
        assertTrue(malformed(r).getMessage().contains("4294967295 sparse mmap areas at 0x20 overrun the capability's 0x10 bytes"));
    }

    @Test
    void sparseAreasOutsideTheRegionAreTypedErrors() {
        MemorySegment r = regionReply(64, VFIO_REGION_INFO_FLAG_CAPS | VFIO_REGION_INFO_FLAG_MMAP, 32);
        sparse(r, 32, 0, 0xFFF000, 0x2000);
        assertTrue(malformed(r).getMessage().contains("sparse mmap area 0xfff000+0x2000 lies outside the 0x1000000-byte region"));
        MemorySegment wrap = regionReply(64, VFIO_REGION_INFO_FLAG_CAPS | VFIO_REGION_INFO_FLAG_MMAP, 32);
        sparse(wrap, 32, 0, -0x1000L, 0x2000); // offset + size wraps around 2^64
        malformed(wrap);
    }

    @Test
    void aTypeCapabilityCutShortIsATypedError() {
        MemorySegment r = regionReply(72, VFIO_REGION_INFO_FLAG_CAPS, 32);
        header(r, 32, 99, 64);
        header(r, 64, VFIO_REGION_INFO_CAP_TYPE, 0); // 8 bytes left, the type capability needs 16
        assertTrue(malformed(r).getMessage().contains("vfio_region_info_cap_type at 0x40 needs 0x10"));
    }

    @Test
    void unknownCapabilitiesAreListedAndSkipped() {
        MemorySegment r = regionReply(80, VFIO_REGION_INFO_FLAG_CAPS, 32);
        header(r, 32, VFIO_REGION_INFO_CAP_MSIX_MAPPABLE, 40);
        header(r, 40, 0xBEEF, 0);
        assertEquals(List.of(VFIO_REGION_INFO_CAP_MSIX_MAPPABLE, 0xBEEF), parser.region(r).capabilities());
    }

    @Test
    void deviceInfoListsItsCapabilities() {
        MemorySegment d = arena.allocate(48, 8);
        vfio_device_info.argsz(d, 48);
        vfio_device_info.flags(d, VFIO_DEVICE_FLAGS_PCI | VFIO_DEVICE_FLAGS_CAPS);
        vfio_device_info.num_regions(d, 9);
        vfio_device_info.num_irqs(d, 5);
        vfio_device_info.cap_offset(d, 24);
        header(d, 24, VFIO_DEVICE_INFO_CAP_ZPCI_BASE, 32);
        header(d, 32, VFIO_DEVICE_INFO_CAP_ZPCI_GROUP, 0);
        VfioDeviceInfo info = new InfoReply("VFIO_DEVICE_GET_INFO", "device test").device(d);
        assertEquals(new VfioDeviceInfo(VFIO_DEVICE_FLAGS_PCI | VFIO_DEVICE_FLAGS_CAPS, 9, 5, List.of(1, 2)), info);
        assertTrue(info.isPci());
        assertFalse(info.canReset());
        assertEquals("vfio-pci, 9 regions, 5 IRQ indexes, capabilities [1, 2]", info.toString());
        vfio_device_info.cap_offset(d, 16); // overlaps the 20-byte struct
        assertThrows(KernelException.class, () -> new InfoReply("VFIO_DEVICE_GET_INFO", "device test").device(d));
    }

    @Test
    void iommuInfoDecodesIovaRangesAndDmaAvail() {
        MemorySegment i = arena.allocate(24 + 48 + 16, 8);
        vfio_iommu_type1_info.argsz(i, (int) i.byteSize());
        vfio_iommu_type1_info.flags(i, VFIO_IOMMU_INFO_PGSIZES | VFIO_IOMMU_INFO_CAPS);
        vfio_iommu_type1_info.iova_pgsizes(i, 0x40201000L);
        vfio_iommu_type1_info.cap_offset(i, 24);
        header(i, 24, VFIO_IOMMU_TYPE1_INFO_CAP_IOVA_RANGE, 72);
        vfio_iommu_type1_info_cap_iova_range.nr_iovas(i.asSlice(24), 2);
        MemorySegment ranges = vfio_iommu_type1_info_cap_iova_range.iova_ranges(i.asSlice(24));
        vfio_iova_range.start(vfio_iova_range.asSlice(ranges, 0), 0);
        vfio_iova_range.end(vfio_iova_range.asSlice(ranges, 0), 0xFEDFFFFFL);
        vfio_iova_range.start(vfio_iova_range.asSlice(ranges, 1), 0xFEF00000L);
        vfio_iova_range.end(vfio_iova_range.asSlice(ranges, 1), 0xFFFFFFFFFFFFL);
        header(i, 72, VFIO_IOMMU_TYPE1_INFO_DMA_AVAIL, 0);
        vfio_iommu_type1_info_dma_avail.avail(i.asSlice(72), 65535);
        VfioIommuInfo info = new InfoReply("VFIO_IOMMU_GET_INFO", "container").iommu(i);
        assertEquals(0x40201000L, info.iovaPageSizes());
        assertEquals(List.of(new VfioIommuInfo.IovaRange(0, 0xFEDFFFFFL), new VfioIommuInfo.IovaRange(0xFEF00000L, 0xFFFFFFFFFFFFL)),
                info.iovaRanges());
        assertEquals(OptionalLong.of(65535), info.dmaAvailable());
        vfio_iommu_type1_info_cap_iova_range.nr_iovas(i.asSlice(24), 3); // the third would overlap the next capability
        assertThrows(KernelException.class, () -> new InfoReply("VFIO_IOMMU_GET_INFO", "container").iommu(i));
    }
}
