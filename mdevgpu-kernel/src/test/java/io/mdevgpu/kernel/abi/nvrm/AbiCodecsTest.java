package io.mdevgpu.kernel.abi.nvrm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.mdevgpu.kernel.abi.nvrm.NvrmTables.Table;
import io.mdevgpu.kernel.abi.nvrm.NvrmTables.Struct;

/** NVOS21, probed ids and the virtualization mode, per family, read back at the compiler's offsets. */
class AbiCodecsTest {

    static Stream<String> releases() {
        return Stream.concat(GoldenTables.goldenReleases().stream(), Stream.of(GoldenTables.PREDECESSOR_RELEASE));
    }

    @ParameterizedTest
    @MethodSource("releases")
    void allocParametersPutStatusWhereTheCompilerDoes(String version) {
        Table golden = GoldenTables.load(version);
        Struct nvos21 = golden.structs().get("NVOS21_PARAMETERS");
        AllocParameters alloc = NvrmRelease.parse(version).abi().alloc();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment s = arena.allocate(alloc.layout());
            MemorySegment params = arena.allocate(56, 8);
            s.fill((byte) 0x77);
            alloc.encode(s, 0xC1D00001, 0xC1D00001, 0x6D000002, NvClass.NV01_DEVICE_0, params);
            assertEquals(0xC1D00001, s.get(ValueLayout.JAVA_INT, nvos21.field("hRoot").orElseThrow().offset()));
            assertEquals(0x6D000002, s.get(ValueLayout.JAVA_INT, nvos21.field("hObjectNew").orElseThrow().offset()));
            assertEquals(0x80, s.get(ValueLayout.JAVA_INT, nvos21.field("hClass").orElseThrow().offset()));
            assertEquals(params.address(), s.get(ValueLayout.JAVA_LONG, nvos21.field("pAllocParms").orElseThrow().offset()));
            assertEquals(0, s.get(ValueLayout.JAVA_INT, nvos21.field("status").orElseThrow().offset()));
            if (nvos21.field("paramsSize").isPresent()) {
                assertEquals(56, s.get(ValueLayout.JAVA_INT, nvos21.field("paramsSize").orElseThrow().offset()));
                assertEquals(56, alloc.paramsSize(s));
            } else {
                assertEquals(-1, alloc.paramsSize(s));
            }
            s.set(ValueLayout.JAVA_INT, nvos21.field("status").orElseThrow().offset(), NvStatus.NV_ERR_INVALID_ARGUMENT);
            assertEquals(NvStatus.NV_ERR_INVALID_ARGUMENT, alloc.status(s));
            alloc.hObjectNew(s, 0xC1D0BEEF);
            assertEquals(0xC1D0BEEF, alloc.hObjectNew(s));
            assertEquals(params.address(), alloc.pAllocParms(s).address());
            alloc.encode(s, 0, 0, 0, NvClass.NV01_ROOT, MemorySegment.NULL);
            assertEquals(0, alloc.pAllocParms(s).address());
            assertEquals(alloc.hasParamsSize() ? 0 : -1, alloc.paramsSize(s));
        }
    }

    @ParameterizedTest
    @MethodSource("releases")
    void probedIdsSkipInvalidEntriesAndHonourTheReleasesSize(String version) {
        Struct probed = GoldenTables.load(version).structs().get("NV0000_CTRL_GPU_GET_PROBED_IDS_PARAMS");
        NvrmAbi abi = NvrmRelease.parse(version).abi();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment p = arena.allocate(abi.struct(NvrmAbi.PROBED_IDS));
            assertEquals(probed.size(), p.byteSize());
            abi.encodeProbedIds(p, new int[] {0x6500, 0x1_3100}, 2, new int[] {0xCA00}, 1);
            long ids = probed.field("gpuIds").orElseThrow().offset(), excluded = probed.field("excludedGpuIds").orElseThrow().offset();
            assertEquals(0x6500, p.get(ValueLayout.JAVA_INT, ids));
            assertEquals(0x1_3100, p.get(ValueLayout.JAVA_INT, ids + 4));
            assertEquals(-1, p.get(ValueLayout.JAVA_INT, ids + 8));
            assertEquals(0xCA00, p.get(ValueLayout.JAVA_INT, excluded));
            assertEquals(-1, p.get(ValueLayout.JAVA_INT, excluded + 4));
            // a hole in the list (driver-side unplug) does not end it
            p.set(ValueLayout.JAVA_INT, ids + 8, 0x8100);
            p.set(ValueLayout.JAVA_INT, ids + 4, -1);
            int[] out = new int[32];
            assertEquals(2, abi.probedGpuIds(p, out));
            assertArrayEquals(new int[] {0x6500, 0x8100}, java.util.Arrays.copyOf(out, 2));
            assertEquals(1, abi.excludedGpuIds(p, out));
            assertEquals(2, abi.probedGpuIds(p, new int[1]), "counts beyond a short array");
        }
        assertEquals(version.startsWith("58") || version.startsWith("59") ? 384 : 256, probed.size());
    }

    @ParameterizedTest
    @MethodSource("releases")
    void virtualizationModeIsFourBytesUpTo550AndEightFrom555(String version) {
        Struct golden = GoldenTables.load(version).structs().get("NV0080_CTRL_GPU_GET_VIRTUALIZATION_MODE_PARAMS");
        NvrmAbi abi = NvrmRelease.parse(version).abi();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment p = arena.allocate(abi.struct(NvrmAbi.VIRTUALIZATION_MODE));
            abi.encodeVirtualizationMode(p, VirtualizationMode.HOST.code(), true);
            assertEquals(3, p.get(ValueLayout.JAVA_INT, golden.field("virtualizationMode").orElseThrow().offset()));
            assertEquals(VirtualizationMode.HOST, VirtualizationMode.of(abi.virtualizationMode(p)));
            if (golden.field("isGridBuild").isPresent()) {
                assertEquals(1, p.get(ValueLayout.JAVA_BYTE, golden.field("isGridBuild").orElseThrow().offset()));
            }
        }
        assertEquals(NvrmRelease.parse(version).major() >= 555 ? 8 : 4, golden.size());
    }

    @ParameterizedTest
    @MethodSource("releases")
    void heterogeneousModeIsAbsentBefore550OneByteTo570AndCarriesAGpuInstanceFrom575(String version) {
        Table table = GoldenTables.load(version);
        Struct get = table.structs().get("NV0080_CTRL_GPU_GET_VGPU_HETEROGENEOUS_MODE_PARAMS");
        Struct set = table.structs().get("NV0080_CTRL_GPU_SET_VGPU_HETEROGENEOUS_MODE_PARAMS");
        NvrmAbi abi = NvrmRelease.parse(version).abi();
        int major = NvrmRelease.parse(version).major();
        assertEquals(major >= 550, abi.hasHeterogeneousMode(), version);
        assertEquals(major >= 550, get != null, version);
        assertEquals(get, set == null ? null : new Struct(get.name(), set.header(), set.size(), set.alignment(), set.fields()),
                version + ": GET and SET are laid out alike");
        if (get == null) {
            assertTrue(version.equals(GoldenTables.PREDECESSOR_RELEASE)
                    || table.absent().contains("NV0080_CTRL_GPU_GET_VGPU_HETEROGENEOUS_MODE_PARAMS"), version + " says it has none");
            return;
        }
        assertEquals(major >= 575 ? 8 : 1, get.size(), version);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment p = arena.allocate(abi.struct(NvrmAbi.SET_HETEROGENEOUS_MODE));
            p.fill((byte) 0x5A);
            abi.encodeHeterogeneousMode(p, true);
            assertEquals(1, p.get(ValueLayout.JAVA_BYTE, get.field("bHeterogeneousMode").orElseThrow().offset()));
            assertTrue(abi.heterogeneousMode(p));
            get.field("gpuInstanceId").ifPresent(f -> assertEquals(0, p.get(ValueLayout.JAVA_INT, f.offset())));
            for (long i = 1; i < p.byteSize(); i++) assertEquals(0, p.get(ValueLayout.JAVA_BYTE, i), "byte " + i);
            abi.encodeHeterogeneousMode(p, false);
            assertFalse(abi.heterogeneousMode(p));
            get.field("gpuInstanceId").ifPresent(f -> {
                p.set(ValueLayout.JAVA_INT, f.offset(), 7);
                assertEquals(7, abi.heterogeneousGpuInstance(p));
            });
        }
    }

    @Test
    void virtualizationModesPrintForOperators() {
        assertEquals("HOST (vGPU host)", VirtualizationMode.describe(3));
        assertEquals("NMOS (pass-through guest)", VirtualizationMode.describe(1));
        assertEquals("mode 9", VirtualizationMode.describe(9));
        assertEquals(null, VirtualizationMode.of(9));
    }

    @Test
    void cStringsAreUtf8NulTerminatedAndBounded() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment s = arena.allocate(16);
            s.fill((byte) 0x41);
            CStrings.write(s, 2, 8, "ÄÖ✓");
            byte[] expected = "ÄÖ✓".getBytes(StandardCharsets.UTF_8);
            assertEquals(7, expected.length);
            assertArrayEquals(expected, s.asSlice(2, 7).toArray(ValueLayout.JAVA_BYTE));
            assertEquals(0, s.get(ValueLayout.JAVA_BYTE, 9));
            assertEquals(0x41, s.get(ValueLayout.JAVA_BYTE, 10), "nothing written past the field");
            assertEquals(0x41, s.get(ValueLayout.JAVA_BYTE, 1));
            assertEquals("ÄÖ✓", CStrings.read(s, 2, 8));
            assertTrue(CStrings.isTerminated(s, 2, 8));
            assertThrows(IllegalArgumentException.class, () -> CStrings.write(s, 0, 8, "12345678"));
            CStrings.write(s, 0, 8, "");
            assertEquals("", CStrings.read(s, 0, 8));
            assertFalse(CStrings.isTerminated(s, 10, 6));
            assertEquals("AAAAAA", CStrings.read(s, 10, 6));
        }
        assertEquals(4, CStrings.utf8Length("\uD834\uDD1E"));
        assertEquals(3, CStrings.utf8Length("\uD834"), "an unpaired surrogate counts as its replacement");
        assertEquals("abc".getBytes(StandardCharsets.UTF_8).length, CStrings.utf8Length("abc"));
    }
}
