package io.mdevgpu;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ValuesTest {
    @ParameterizedTest
    @CsvSource({"2GiB,2147483648", "896MiB,939524096", "896M,939524096", "4096,4096", "1 KiB,1024", "3tib,3298534883328"})
    void sizeParses(String text, long bytes) {
        assertEquals(bytes, Size.parse(text).bytes());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "MiB", "-1MiB", "1.5GiB", "12PiB", "99999999999999999999"})
    void sizeRefusesWithTypedError(String text) {
        ValidationException e = assertThrows(ValidationException.class, () -> Size.parse(text));
        assertTrue(e.getMessage().contains("size"), e.getMessage());
    }

    @Test
    void sizePrintsInLargestExactUnit() {
        assertEquals("9536MiB", Size.mib(9536).toString());
        assertEquals("40GiB", Size.mib(40960).toString());
        assertEquals("4097B", Size.bytes(4097).toString());
        assertEquals(Size.mib(1024), Size.mib(1000).alignUp(Size.mib(512)));
    }

    @Test
    void barChecksItself() {
        assertThrows(ValidationException.class, () -> new Bar(5, 0, Size.ZERO, true, true, false), "a 64-bit BAR5 has no upper half");
        assertThrows(ValidationException.class, () -> new Bar(6, 0, Size.ZERO, false, false, false));
        assertThrows(ValidationException.class, () -> new Bar(-1, 0, Size.ZERO, false, false, false));
        assertThrows(ValidationException.class, () -> new Bar(0, 0, Size.bytes(128), false, true, true), "prefetchable I/O");
        assertThrows(ValidationException.class, () -> new Bar(0, 0, Size.bytes(128), true, false, true), "64-bit I/O");
        assertThrows(ValidationException.class, () -> new Bar(0, 0, Size.bytes(128), false, false, true, true), "below-1M I/O");
        assertThrows(ValidationException.class, () -> new Bar(0, 0, Size.mib(1), true, false, false, true), "64-bit and below 1M");
        assertThrows(ValidationException.class, () -> new Bar(0, 0, null, false, false, false));
        ValidationException e = assertThrows(ValidationException.class, () -> new Bar(0, 0, Size.bytes(96), false, false, false));
        assertTrue(e.getMessage().contains("power of two"), e.getMessage());
    }

    @Test
    void barPrintsWhatItDecodes() {
        Bar bar2 = new Bar(2, 0x1000_0000_0000L, Size.gib(128), true, true, false);
        assertEquals("BAR2 128GiB 64-bit prefetchable @ 0x100000000000", bar2.toString());
        assertFalse(bar2.below1M(), "the six-argument constructor is for BARs that are not below 1M");
        assertEquals(2, bar2.registers());
        assertTrue(bar2.isMemory() && bar2.sizeKnown());
        Bar io = new Bar(5, 0x2000, Size.bytes(128), false, false, true);
        assertEquals("BAR5 128B I/O @ 0x2000", io.toString());
        assertEquals(1, io.registers());
        assertFalse(io.isMemory());
        assertEquals("BAR1 1MiB below-1M", new Bar(1, 0, Size.mib(1), false, false, false, true).toString());
        Bar unsized = new Bar(0, 0xfb00_0000L, Size.ZERO, false, false, false);
        assertFalse(unsized.sizeKnown());
        assertEquals("BAR0 size unknown 32-bit @ 0xfb000000", unsized.toString());
    }

    @Test
    void pciAddressNormalisesToKernelForm() {
        assertEquals("0000:65:00.0", PciAddress.parse("65:00.0").toString());
        assertEquals("0001:af:1f.7", PciAddress.parse("0001:AF:1F.7").toString());
        assertEquals(0x6500, PciAddress.parse("65:00.0").rmGpuId());
        assertThrows(ValidationException.class, () -> PciAddress.parse("65:20.0"));
        assertThrows(ValidationException.class, () -> PciAddress.parse("zz:00.0"));
        assertEquals("ffff:ff:1f.7", PciAddress.of(0xffff, 0xff, 0x1f, 7).toString());
    }

    @Test
    void pciAddressesAreEqualByEveryPartAndHashApart() {
        java.util.Set<Integer> hashes = new java.util.HashSet<>();
        java.util.List<PciAddress> all = new java.util.ArrayList<>();
        for (int[] p : new int[][] {{0, 0x65, 0, 0}, {1, 0x65, 0, 0}, {0, 0x66, 0, 0}, {0, 0x65, 1, 0}, {0, 0x65, 0, 1},
                {0xffff, 0xff, 0x1f, 7}}) {
            PciAddress a = PciAddress.of(p[0], p[1], p[2], p[3]);
            assertEquals(a, PciAddress.of(p[0], p[1], p[2], p[3]));
            assertEquals(a.hashCode(), PciAddress.of(p[0], p[1], p[2], p[3]).hashCode());
            for (PciAddress b : all) assertNotEquals(a, b);
            assertTrue(hashes.add(a.hashCode()), a + " hashes apart");
            all.add(a);
        }
        assertNotEquals(PciAddress.of(0, 0x65, 0, 0), "0000:65:00.0");
    }

    @Test
    void pciIdPacksTheNvidiaWay() {
        PciId id = PciId.fromNvidiaPacked(0x20B01470L);
        assertEquals(0x10de, id.vendor());
        assertEquals(0x20b0, id.device());
        assertEquals(0x1470, id.subsystemDevice());
        assertEquals(0x20B01470L, id.nvidiaPacked());
        assertEquals("10de:20b0 [10de:1470]", id.toString());
        assertEquals(id, PciId.parse("10de:20b0 [10de:1470]"));
    }

    @Test
    void builderAppliesPredecessorDefaultsAndValidates() {
        MdevType t = MdevTypeBuilder.number(531).name("Open vAmpere/4").framebuffer(Size.mib(9536))
                .reserved(Size.mib(704)).maxInstances(4).display(Display.heads(4).maxResolution(1920, 1080)).build();
        assertEquals("Compute", t.gpuClass());
        assertEquals(Size.mib(24), t.mappableVideo());
        assertEquals(Size.mib(256), t.bar1());
        assertEquals("nvidia-531", t.sysfsName());
        assertEquals("num_heads=4, frl_config=120, framebuffer=9536M, max_resolution=1920x1080, max_instance=4",
                t.sysfsDescription());
        assertEquals(t, t.toBuilder().build());
        assertNotEquals(t, t.toBuilder().maxInstances(2).build());
        ValidationException e = assertThrows(ValidationException.class, () -> t.toBuilder().name("x".repeat(64)).build());
        assertTrue(e.getMessage().contains("64 bytes"), e.getMessage());
        assertThrows(ValidationException.class, () -> t.toBuilder().name("a\0b").build());
        assertThrows(ValidationException.class, () -> MdevTypeBuilder.number(0).framebuffer(Size.mib(1)).reserved(Size.ZERO).maxInstances(1).build());
        assertThrows(ValidationException.class, () -> t.toBuilder().maxInstances(49).build());
    }

    @Test
    void filterMatchesOnlySetFields() {
        PciAddress a = PciAddress.parse("0000:65:00.0");
        PciId id = PciId.of(0x10de, 0x20b0, 0x10de, 0x145f);
        assertTrue(GpuFilter.ANY.matches(a, id));
        assertTrue(GpuFilter.ANY.bus(0x65).device(0x20b0).matches(a, id));
        assertFalse(GpuFilter.ANY.bus(0x66).matches(a, id));
        assertTrue(GpuFilter.ANY.rmGpuId(0x6500).matches(a, id));
        assertEquals("GpuFilter[bus=0x65]", GpuFilter.ANY.bus(0x65).toString());
    }

    @Test
    void errnoMapsToTypedExceptions() {
        assertInstanceOf(AlreadyExistsException.class, KernelException.of("create", "uuid", Errno.EEXIST, null));
        assertInstanceOf(CapacityException.class, KernelException.of("create", "uuid", Errno.EUSERS, null));
        assertInstanceOf(CapacityException.class, KernelException.of("create", "uuid", Errno.ENOSPC, null));
        KernelException k = KernelException.of("open", "/dev/vfio/12", Errno.EBUSY, "close the other user");
        assertInstanceOf(DeviceBusyException.class, k);
        assertEquals("open /dev/vfio/12: EBUSY (Device or resource busy). close the other user", k.getMessage());
        assertEquals("errno 4242 (Unknown error 4242)", Errno.of(4242).toString());
    }

    @Test
    void aRefusalWithoutAnErrnoIsThePlainKernelException() {
        KernelException k = KernelException.of("remove mdev", "uuid", null, "close it first");
        assertEquals(KernelException.class, k.getClass());
        assertNull(k.errno());
        assertEquals("remove mdev uuid. close it first", k.getMessage());
    }
}
