package io.mdevgpu.kernel.abi.nvrm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemoryLayout.PathElement;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.mdevgpu.Display;
import io.mdevgpu.MdevType;
import io.mdevgpu.MdevTypeBuilder;
import io.mdevgpu.PciId;
import io.mdevgpu.Size;
import io.mdevgpu.ValidationException;
import io.mdevgpu.kernel.AllocationCounter;
import io.mdevgpu.kernel.abi.nvrm.NvrmTables.Table;
import io.mdevgpu.kernel.abi.nvrm.NvrmTables.Struct;

/**
 * An MdevType encoded into each family's SET_INFO params lands at the compiler's offsets (read back here through
 * the golden tables, not through the codec), and decodes to itself.
 */
class VgpuTypeCodecTest {
    private static final PciId PHYSICAL = PciId.of(0x10DE, 0x20B0, 0x10DE, 0x134F);

    /** Each family with a vGPU layout, with the first release of its golden table. */
    static Stream<NvrmAbi> families() {
        return Stream.of(NvrmAbi.values()).filter(f -> f.vgpuTypes().isPresent());
    }

    private static MdevType quarter() {
        return MdevTypeBuilder.number(531).name("Open vAmpere/4").gpuClass("Compute").maxInstances(4)
                .framebuffer(Size.mib(9536)).reserved(Size.mib(704)).mappableVideo(Size.mib(24)).bar1(Size.mib(1024))
                .guestPciId(PciId.of(0x10DE, 0x20B0, 0x10DE, 0x1470)).hostPciId(PciId.of(0x10DE, 0x20B5))
                .ecc(true).multiVgpu(false).encoderCapacity(50)
                .display(Display.heads(4).maxResolution(1920, 1080).frameRateLimit(60).frameRateLimiter(true)).build();
    }

    /** Reads an unsigned field of the golden VGPU_INFO inside the golden CONFIG_INFO. */
    private static long golden(Table r, MemorySegment params, String field) {
        Struct config = r.structs().get("NVA081_CTRL_VGPU_CONFIG_INFO_PARAMS");
        NvrmTables.Field f = r.structs().get("NVA081_CTRL_VGPU_INFO").field(field).orElseThrow();
        long at = config.field("vgpuInfo").orElseThrow().offset() + f.offset();
        return switch ((int) f.size()) {
            case 2 -> Short.toUnsignedLong(params.get(ValueLayout.JAVA_SHORT, at));
            case 4 -> Integer.toUnsignedLong(params.get(ValueLayout.JAVA_INT, at));
            case 8 -> params.get(ValueLayout.JAVA_LONG, at);
            default -> throw new IllegalArgumentException(field + " is " + f.size() + " bytes");
        };
    }

    private static byte[] goldenBytes(Table r, MemorySegment params, String field) {
        NvrmTables.Field f = r.structs().get("NVA081_CTRL_VGPU_INFO").field(field).orElseThrow();
        long at = r.structs().get("NVA081_CTRL_VGPU_CONFIG_INFO_PARAMS").field("vgpuInfo").orElseThrow().offset() + f.offset();
        return params.asSlice(at, f.size()).toArray(ValueLayout.JAVA_BYTE);
    }

    @ParameterizedTest
    @MethodSource("families")
    void everyNumericFieldLandsAtTheCompilersOffset(NvrmAbi family) {
        Table r = GoldenTables.load(family.tables().getFirst());
        VgpuTypeCodec codec = family.vgpuTypes().orElseThrow();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment params = arena.allocate(codec.configInfoLayout());
            codec.encodeConfigInfo(params, quarter(), PHYSICAL, true);
            assertEquals(r.structs().get("NVA081_CTRL_VGPU_CONFIG_INFO_PARAMS").size(), params.byteSize());
            assertEquals(1, params.get(ValueLayout.JAVA_BYTE, 0), "discardVgpuTypes");
            assertEquals(531, golden(r, params, "vgpuType"));
            assertEquals(4, golden(r, params, "maxInstance"));
            assertEquals(4, golden(r, params, "numHeads"));
            assertEquals(1920, golden(r, params, "maxResolutionX"));
            assertEquals(1080, golden(r, params, "maxResolutionY"));
            assertEquals(1920 * 1080, golden(r, params, "maxPixels"));
            assertEquals(60, golden(r, params, "frlConfig"));
            assertEquals(1, golden(r, params, "frlEnable"));
            assertEquals(1, golden(r, params, "cudaEnabled"));
            assertEquals(1, golden(r, params, "eccSupported"));
            assertEquals(0, golden(r, params, "multiVgpuSupported"));
            assertEquals(0, golden(r, params, "gpuInstanceSize"));
            assertEquals(0x20B01470L, golden(r, params, "vdevId"));
            assertEquals(0x20B5L, golden(r, params, "pdevId"));
            assertEquals(9536L << 20, golden(r, params, "fbLength"));
            assertEquals(704L << 20, golden(r, params, "fbReservation"));
            assertEquals(24L << 20, golden(r, params, "mappableVideoSize"));
            assertEquals(1024, golden(r, params, "bar1Length"));
            assertEquals(50, golden(r, params, "encoderCapacity"));
            if (r.structs().get("NVA081_CTRL_VGPU_INFO").field("profileSize").isPresent()) {
                assertEquals((9536L + 704) << 20, golden(r, params, "profileSize"));
            }
            if (r.structs().get("NVA081_CTRL_VGPU_INFO").field("vgpuSsvid").isPresent()) {
                assertEquals(0x10DE, golden(r, params, "vgpuSsvid"));
            }
            assertArrayEquals(cString("Open vAmpere/4", 32), slice(goldenBytes(r, params, "vgpuName"), 32));
            assertArrayEquals(cString("Compute", 32), slice(goldenBytes(r, params, "vgpuClass"), 32));
            assertTrue(new String(goldenBytes(r, params, "license"), StandardCharsets.US_ASCII).startsWith(VgpuTypeCodec.LICENSE + "\0"));
            assertArrayEquals(new byte[128], goldenBytes(r, params, "vgpuSignature"));
        }
    }

    @Test
    void thePredecessorsAbsoluteOffsetsHoldFor510() {
        // RmVgpuConfig's pokeByteOff: type 8, name 12, maxInstances 336, encCap (u64) 376, vdevId 384, fbLen 400, frlEnable 432
        VgpuTypeCodec codec = NvrmAbi.R510.vgpuTypes().orElseThrow();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment p = arena.allocate(codec.configInfoLayout());
            assertEquals(0x11C0, p.byteSize());
            codec.encodeConfigInfo(p, quarter(), PHYSICAL, true);
            assertEquals(1, p.get(ValueLayout.JAVA_INT, 0));
            assertEquals(531, p.get(ValueLayout.JAVA_INT, 8));
            assertEquals('O', p.get(ValueLayout.JAVA_BYTE, 12));
            assertEquals(4, p.get(ValueLayout.JAVA_INT, 336));
            assertEquals(50L, p.get(ValueLayout.JAVA_LONG, 376));
            assertEquals(0x20B01470L, p.get(ValueLayout.JAVA_LONG, 384));
            assertEquals(9536L << 20, p.get(ValueLayout.JAVA_LONG, 400));
            assertEquals(704L << 20, p.get(ValueLayout.JAVA_LONG, 416));
            assertEquals(1024L, p.get(ValueLayout.JAVA_LONG, 424));
            assertEquals(1, p.get(ValueLayout.JAVA_INT, 432));
        }
    }

    private static byte[] cString(String s, int n) {
        byte[] out = new byte[n];
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        System.arraycopy(b, 0, out, 0, b.length);
        return out;
    }

    private static byte[] slice(byte[] b, int n) {
        byte[] out = new byte[n];
        System.arraycopy(b, 0, out, 0, n);
        return out;
    }

    @ParameterizedTest
    @MethodSource("families")
    void decodingGivesBackTheType(NvrmAbi family) {
        VgpuTypeCodec codec = family.vgpuTypes().orElseThrow();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment params = arena.allocate(codec.configInfoLayout());
            MdevType t = quarter();
            codec.encodeConfigInfo(params, t, PHYSICAL, false);
            assertEquals(t, codec.decodeConfigInfo(params));
            assertEquals(531, codec.typeNumber(params));
            assertEquals(false, codec.discard(params));
        }
    }

    @ParameterizedTest
    @MethodSource("families")
    void aNameOfTheLongestLengthIsNulTerminatedAndOneMoreByteIsRefused(NvrmAbi family) {
        VgpuTypeCodec codec = family.vgpuTypes().orElseThrow();
        int max = codec.limits().maxStringBytes();
        Table r = GoldenTables.load(family.tables().getFirst());
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment params = arena.allocate(codec.configInfoLayout());
            params.fill((byte) 0x5A); // encoding must zero what it does not write
            String longest = "é".repeat((max - 1) / 2) + "x".repeat(1 + (max - 1) % 2); // multibyte, exactly max bytes
            assertEquals(max, longest.getBytes(StandardCharsets.UTF_8).length);
            MdevType t = quarter().toBuilder().name(longest).build();
            codec.encodeConfigInfo(params, t, PHYSICAL, true);
            byte[] name = goldenBytes(r, params, "vgpuName");
            assertEquals(max + 1, name.length);
            assertArrayEquals(cString(longest, max + 1), name);
            assertEquals(0, name[max]);
            assertEquals(longest, codec.decodeConfigInfo(params).name());
            assertArrayEquals(new byte[128], goldenBytes(r, params, "vgpuSignature"));
            ValidationException e = assertThrows(ValidationException.class,
                    () -> codec.encodeConfigInfo(params, t.toBuilder().name(longest + "x").build(), PHYSICAL, true));
            assertTrue(e.getMessage().contains("at most " + max + " bytes"), e.getMessage());
            assertThrows(ValidationException.class,
                    () -> codec.encodeConfigInfo(params, t.toBuilder().gpuClass("C".repeat(max + 1)).build(), PHYSICAL, true));
        }
    }

    @Test
    void multibyteNamesAreUtf8AndFourByteCharactersSurvive() {
        VgpuTypeCodec codec = NvrmAbi.R535.vgpuTypes().orElseThrow();
        String name = "Grün ✓ \uD834\uDD1E/2"; // U+1D11E takes four bytes
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment params = arena.allocate(codec.configInfoLayout());
            codec.encodeConfigInfo(params, quarter().toBuilder().name(name).build(), PHYSICAL, false);
            long at = NvrmAbi.R535.struct(NvrmAbi.VGPU_CONFIG_INFO).byteOffset(
                    java.lang.foreign.MemoryLayout.PathElement.groupElement("vgpuInfo"),
                    java.lang.foreign.MemoryLayout.PathElement.groupElement("vgpuName"));
            byte[] expected = name.getBytes(StandardCharsets.UTF_8);
            assertArrayEquals(expected, params.asSlice(at, expected.length).toArray(ValueLayout.JAVA_BYTE));
            assertEquals(0, params.get(ValueLayout.JAVA_BYTE, at + expected.length));
            assertEquals(name, codec.decodeConfigInfo(params).name());
        }
    }

    @Test
    void instancesBeyondTheReleasesLimitAreRefusedBeforeAnythingIsWritten() {
        MdevType t = quarter().toBuilder().maxInstances(48).build();
        VgpuTypeCodec old = NvrmAbi.R570.vgpuTypes().orElseThrow();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment params = arena.allocate(old.configInfoLayout());
            ValidationException e = assertThrows(ValidationException.class, () -> old.encodeConfigInfo(params, t, PHYSICAL, true));
            assertTrue(e.getMessage().contains("1..32 with the r570 driver"), e.getMessage());
            assertEquals(0, params.get(ValueLayout.JAVA_BYTE, 0), "nothing written");
            VgpuTypeCodec newer = NvrmAbi.R580.vgpuTypes().orElseThrow();
            MemorySegment p580 = arena.allocate(newer.configInfoLayout());
            newer.encodeConfigInfo(p580, t, PHYSICAL, true);
            assertEquals(48, newer.decodeConfigInfo(p580).maxInstances());
        }
    }

    @Test
    void theTypeDefaultsToThePhysicalIdentity() {
        VgpuTypeCodec codec = NvrmAbi.R590.vgpuTypes().orElseThrow();
        MdevType t = quarter().toBuilder().guestPciId(null).hostPciId(null).build();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment params = arena.allocate(codec.configInfoLayout());
            codec.encodeConfigInfo(params, t, PciId.of(0x10DE, 0x2330, 0x15B3, 0x16C1), false);
            MdevType back = codec.decodeConfigInfo(params);
            assertEquals(Optional.of(PciId.of(0x10DE, 0x2330, 0x15B3, 0x16C1)), back.guestPciId());
            assertEquals(Optional.of(PciId.of(0x10DE, 0x2330)), back.hostPciId());
        }
    }

    @Test
    void aTypeAsHeldHasTheIdsItLeftToTheGpuAndIsWhatReadingItBackGives() {
        MdevType t = quarter().toBuilder().guestPciId(null).hostPciId(null).build();
        PciId gpu = PciId.of(0x10DE, 0x2330, 0x15B3, 0x16C1);
        MdevType held = NvrmAbi.R590.vgpuTypes().orElseThrow().asHeld(t, gpu).orElseThrow();
        assertEquals(t.toBuilder().guestPciId(gpu).hostPciId(PciId.of(0x10DE, 0x2330)).build(), held);
        assertNotEquals(t, held, "the type as planned differs from the type the driver gives back");
        assertEquals(Optional.of(quarter()), NvrmAbi.R590.vgpuTypes().orElseThrow().asHeld(quarter(), gpu), "its own ids are kept");
        // before 590 the struct has no vgpuSsvid: the guest's subsystem vendor is NVIDIA's whatever the type says
        assertEquals(Optional.of(PciId.of(0x10DE, 0x2330, 0x10DE, 0x16C1)),
                NvrmAbi.R550.vgpuTypes().orElseThrow().asHeld(t, gpu).orElseThrow().guestPciId());
        assertEquals(Optional.empty(), NvrmAbi.R510.vgpuTypes().orElseThrow().asHeld(t, gpu), "510 cannot read types back");
    }

    @ParameterizedTest
    @MethodSource("families")
    void typeInfoAndSupportedTypesRoundTrip(NvrmAbi family) {
        VgpuTypeCodec codec = family.vgpuTypes().orElseThrow();
        if (codec.typeInfoLayout().isEmpty()) {
            try (Arena arena = Arena.ofConfined()) {
                assertThrows(IllegalStateException.class, () -> codec.encodeTypeInfoRequest(arena.allocate(8), 1));
            }
            return;
        }
        Table r = GoldenTables.load(family.tables().getFirst());
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment request = arena.allocate(codec.typeInfoLayout().orElseThrow());
            assertEquals(r.structs().get("NVA081_CTRL_VGPU_CONFIG_GET_VGPU_TYPE_INFO_PARAMS").size(), request.byteSize());
            codec.encodeTypeInfoRequest(request, 531);
            assertEquals(531, request.get(ValueLayout.JAVA_INT, 0));
            assertEquals(531, codec.typeInfoRequest(request));
            codec.encodeTypeInfo(request, quarter(), PHYSICAL);
            assertEquals(quarter(), codec.decodeTypeInfo(request));

            MemorySegment list = arena.allocate(codec.supportedTypesLayout().orElseThrow());
            Struct golden = r.structs().get("NVA081_CTRL_VGPU_CONFIG_GET_VGPU_TYPES_PARAMS");
            codec.encodeSupportedTypes(list, new int[] {529, 530, 531}, 3, 2);
            assertEquals(3, list.get(ValueLayout.JAVA_INT, golden.field("numVgpuTypes").orElseThrow().offset()));
            assertEquals(530, list.get(ValueLayout.JAVA_INT, golden.field("vgpuTypes").orElseThrow().offset() + 4));
            int[] out = new int[codec.limits().maxTypesPerGpu()];
            assertEquals(3, codec.supportedTypes(list, out));
            assertEquals(531, out[2]);
            int[] tooMany = new int[codec.limits().maxTypesPerGpu() + 1];
            assertThrows(IllegalArgumentException.class, () -> codec.encodeSupportedTypes(list, tooMany, tooMany.length, 2));
        }
    }

    @Test
    void aSegmentOfTheWrongSizeIsAProgrammingError() {
        VgpuTypeCodec codec = NvrmAbi.R580.vgpuTypes().orElseThrow();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment small = arena.allocate(NvrmAbi.R570.sizeof(NvrmAbi.VGPU_CONFIG_INFO));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> codec.encodeConfigInfo(small, quarter(), PHYSICAL, true));
            assertTrue(e.getMessage().contains("5432"), e.getMessage());
        }
    }

    @Test
    void aNameWithoutNulFromTheDriverIsRefused() {
        VgpuTypeCodec codec = NvrmAbi.R550.vgpuTypes().orElseThrow();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment params = arena.allocate(codec.configInfoLayout());
            codec.encodeConfigInfo(params, quarter(), PHYSICAL, false);
            long name = codec.configInfoLayout().byteOffset(PathElement.groupElement("vgpuInfo"),
                    PathElement.groupElement("vgpuName"));
            params.asSlice(name, 32).fill((byte) 'A');
            ValidationException e = assertThrows(ValidationException.class, () -> codec.decodeConfigInfo(params));
            assertTrue(e.getMessage().contains("without its terminating NUL"), e.getMessage());
        }
    }

    @Test
    void r515HasNoVgpuLayout() {
        assertTrue(NvrmAbi.R515.vgpuTypes().isEmpty());
        assertThrows(IllegalArgumentException.class, () -> NvrmAbi.R515.struct(NvrmAbi.VGPU_CONFIG_INFO));
    }

    @Test
    void encodingAllocatesNothingOnceWarm() throws Throwable {
        VgpuTypeCodec codec = NvrmAbi.R580.vgpuTypes().orElseThrow();
        MdevType t = quarter().toBuilder().name("Grün ✓ quarter").build();
        AllocationCounter counter = new AllocationCounter();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment params = arena.allocate(codec.configInfoLayout());
            long allocated = counter.allocatedOnceWarm(30, () -> {
                for (int i = 0; i < 2_000; i++) {
                    codec.encodeConfigInfo(params, t, PHYSICAL, (i & 1) == 0);
                }
            });
            assertEquals(0, allocated, "bytes allocated by 2000 encodings once compiled");
            long before = counter.bytes();
            for (int i = 0; i < 100; i++) {
                sink = new long[16];
            }
            assertTrue(counter.bytes() - before - counter.overhead() >= 100 * 128, "the counter sees allocations");
        }
    }

    static Object sink;

}
