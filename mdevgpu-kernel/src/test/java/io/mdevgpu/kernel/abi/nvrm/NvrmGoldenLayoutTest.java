package io.mdevgpu.kernel.abi.nvrm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.GroupLayout;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.mdevgpu.kernel.abi.nvrm.NvrmTables.Table;
import io.mdevgpu.kernel.abi.nvrm.NvrmTables.Struct;

/**
 * Every release's golden table against the Java layouts of the family the library selects for it: every struct
 * the table lists, field by field, and no Java struct the release lacks.
 */
class NvrmGoldenLayoutTest {

    static Stream<String> releases() {
        List<String> all = new ArrayList<>(GoldenTables.goldenReleases());
        all.add(GoldenTables.PREDECESSOR_RELEASE);
        return all.stream();
    }

    @Test
    void theGoldenTablesAreThere() {
        List<String> releases = GoldenTables.goldenReleases();
        assertTrue(releases.size() >= 15, "golden tables found in " + GoldenTables.goldenDirectory() + ": " + releases);
        assertEquals("515.43.04", releases.getFirst());
    }

    @ParameterizedTest
    @MethodSource("releases")
    void everyStructOfTheReleaseMatchesTheCompiler(String version) {
        Table golden = GoldenTables.load(version);
        NvrmAbi abi = NvrmAbi.forRelease(NvrmRelease.parse(version));
        List<String> mismatches = new ArrayList<>();
        for (Struct s : golden.structs().values()) {
            GroupLayout java = abi.structs().get(s.name());
            if (java == null) {
                mismatches.add(s.name() + ": missing from " + abi.family());
            } else {
                mismatches.addAll(LayoutComparator.compare(s, java, abi.structs()));
            }
        }
        for (String name : abi.structs().keySet()) {
            if (!golden.structs().containsKey(name)) mismatches.add(name + ": " + abi.family() + " has it, " + version + " does not");
        }
        assertEquals(List.of(), mismatches, version + " against " + abi.family());
        assertFalse(golden.structs().isEmpty());
    }

    @ParameterizedTest
    @MethodSource("releases")
    void structsTheReleaseLacksAreAbsentInJava(String version) {
        Table golden = GoldenTables.load(version);
        NvrmAbi abi = NvrmAbi.forRelease(NvrmRelease.parse(version));
        for (String absent : golden.absent()) {
            assertFalse(abi.structs().containsKey(absent), version + " has no " + absent + " but " + abi.family() + " does");
        }
        assertEquals(golden.structs().containsKey(NvrmAbi.VGPU_CONFIG_INFO), abi.vgpuTypes().isPresent());
    }

    @ParameterizedTest
    @MethodSource("releases")
    void everyIoctlRequestIsIowrOfTheGoldenSize(String version) {
        Table golden = GoldenTables.load(version);
        NvrmAbi abi = NvrmAbi.forRelease(NvrmRelease.parse(version));
        // _IOWR('F', nr, size) written out here rather than through Ioctl, so the encoder is checked too
        assertEquals(iowrF(0x2B, golden.structs().get("NVOS21_PARAMETERS").size()), abi.allocRequest());
        assertEquals(iowrF(0x2B, golden.structs().get("NVOS64_PARAMETERS").size()), abi.allocWithRightsRequest());
        assertEquals(iowrF(0x2A, golden.structs().get("NVOS54_PARAMETERS").size()), NvEscape.RM_CONTROL);
        assertEquals(iowrF(0x29, golden.structs().get("NVOS00_PARAMETERS").size()), NvEscape.RM_FREE);
        assertEquals(iowrF(0xD2, golden.structs().get("nv_ioctl_rm_api_version_t").size()), NvEscape.CHECK_VERSION_STR);
        assertEquals(iowrF(0xC8, golden.structs().get("nv_ioctl_card_info_t").size()), NvEscape.CARD_INFO);
        assertEquals(iowrF(0xC8, 32 * golden.structs().get("nv_ioctl_card_info_t").size()), NvEscape.CARD_INFO_ALL);
    }

    private static int iowrF(int nr, long size) {
        return (int) (3L << 30 | size << 16 | 0x46 << 8 | nr);
    }

    @Test
    void theRequestNumbersTheDriverDocumentsHold() {
        assertEquals(0xC04846D2, NvEscape.CHECK_VERSION_STR);
        assertEquals(0xC0104629, NvEscape.RM_FREE);
        assertEquals(0xC020462A, NvEscape.RM_CONTROL);
        assertEquals(0xC04846C8, NvEscape.CARD_INFO);
        assertEquals(0xC90046C8, NvEscape.CARD_INFO_ALL);
        for (NvrmAbi abi : NvrmAbi.values()) {
            assertEquals(0xC020462B, abi.allocRequest(), abi.family());
            int withRights = abi.majors().getFirst() < 535 ? 0xC028462B : 0xC030462B;
            assertEquals(withRights, abi.allocWithRightsRequest(), abi.family());
            assertEquals(abi.allocWithRightsRequest(), abi.ioctls().get("NV_ESC_RM_ALLOC (NVOS64)"));
        }
    }

    @Test
    void controlIdsAreTheDriversNumbers() {
        assertEquals(0x202, NvControl.NV0000_CTRL_CMD_GPU_GET_ID_INFO);
        assertEquals(0x214, NvControl.NV0000_CTRL_CMD_GPU_GET_PROBED_IDS);
        assertEquals(0x215, NvControl.NV0000_CTRL_CMD_GPU_ATTACH_IDS);
        assertEquals(0x216, NvControl.NV0000_CTRL_CMD_GPU_DETACH_IDS);
        assertEquals(0x21B, NvControl.NV0000_CTRL_CMD_GPU_GET_PCI_INFO);
        assertEquals(0x20801801, NvControl.NV2080_CTRL_CMD_BUS_GET_PCI_INFO);
        assertEquals(0xA0810101, NvControl.NVA081_CTRL_CMD_VGPU_CONFIG_SET_INFO);
        assertEquals(0xA0810103, NvControl.NVA081_CTRL_CMD_VGPU_CONFIG_GET_VGPU_TYPE_INFO);
        assertEquals(0xA0810104, NvControl.NVA081_CTRL_CMD_VGPU_CONFIG_GET_SUPPORTED_VGPU_TYPES);
        assertEquals(0xA0810109, NvControl.NVA081_CTRL_CMD_VGPU_CONFIG_MDEV_REGISTER);
        assertEquals(0xA0810109, NvControl.NVA081_CTRL_CMD_VGPU_CONFIG_UPDATE_PGPU_INFO);
        assertEquals(0x800289, NvControl.NV0080_CTRL_CMD_GPU_GET_VIRTUALIZATION_MODE);
        assertEquals(0x800297, NvControl.NV0080_CTRL_CMD_GPU_SET_VGPU_HETEROGENEOUS_MODE);
        assertEquals(0x800298, NvControl.NV0080_CTRL_CMD_GPU_GET_VGPU_HETEROGENEOUS_MODE);
        assertEquals("GPU_GET_VGPU_HETEROGENEOUS_MODE", NvControl.name(0x800298));
        assertEquals(0x0, NvClass.NV01_ROOT);
        assertEquals(0x41, NvClass.NV01_ROOT_CLIENT);
        assertEquals(0x80, NvClass.NV01_DEVICE_0);
        assertEquals(0x2080, NvClass.NV20_SUBDEVICE_0);
        assertEquals(0xA081, NvClass.NVA081_VGPU_CONFIG);
        assertEquals("GPU_GET_PCI_INFO", NvControl.name(0x21B));
        assertEquals("cmd 0x12345", NvControl.name(0x12345));
    }

    /** The numbers the compiler printed from each release's header (the supplement's control lines) are ours. */
    @ParameterizedTest
    @MethodSource("releases")
    void heterogeneousControlIdsAreTheHeadersNumbersWhereTheReleaseHasThem(String version) {
        Table golden = GoldenTables.load(version);
        Map<String, Integer> expected = Map.of(
                "NV0080_CTRL_CMD_GPU_GET_VGPU_HETEROGENEOUS_MODE", NvControl.NV0080_CTRL_CMD_GPU_GET_VGPU_HETEROGENEOUS_MODE,
                "NV0080_CTRL_CMD_GPU_SET_VGPU_HETEROGENEOUS_MODE", NvControl.NV0080_CTRL_CMD_GPU_SET_VGPU_HETEROGENEOUS_MODE);
        boolean has = golden.structs().containsKey("NV0080_CTRL_GPU_GET_VGPU_HETEROGENEOUS_MODE_PARAMS");
        assertEquals(NvrmRelease.parse(version).major() >= 550, has, version);
        if (has) {
            assertEquals(expected, golden.controls(), version);
        } else {
            assertTrue(golden.controls().isEmpty(), version + " defines no heterogeneous-mode control");
        }
    }

    @ParameterizedTest
    @MethodSource("releases")
    void eachControlTakesTheGoldenParamsSize(String version) {
        Table golden = GoldenTables.load(version);
        NvrmAbi abi = NvrmAbi.forRelease(NvrmRelease.parse(version));
        Map<Integer, String> params = Map.of(0x202, "NV0000_CTRL_GPU_GET_ID_INFO_PARAMS",
                0x800297, "NV0080_CTRL_GPU_SET_VGPU_HETEROGENEOUS_MODE_PARAMS",
                0x800298, "NV0080_CTRL_GPU_GET_VGPU_HETEROGENEOUS_MODE_PARAMS",
                0x214, "NV0000_CTRL_GPU_GET_PROBED_IDS_PARAMS", 0x215, "NV0000_CTRL_GPU_ATTACH_IDS_PARAMS",
                0x216, "NV0000_CTRL_GPU_DETACH_IDS_PARAMS", 0x21B, "NV0000_CTRL_GPU_GET_PCI_INFO_PARAMS",
                0x20801801, "NV2080_CTRL_BUS_GET_PCI_INFO_PARAMS",
                0x800289, "NV0080_CTRL_GPU_GET_VIRTUALIZATION_MODE_PARAMS",
                0xA0810101, "NVA081_CTRL_VGPU_CONFIG_INFO_PARAMS");
        params.forEach((cmd, struct) -> {
            Struct s = golden.structs().get(struct);
            OptionalLong size = abi.controlParamsSize(cmd);
            if (s == null) {
                assertTrue(size.isEmpty(), version + " has no " + struct);
            } else {
                assertEquals(OptionalLong.of(s.size()), size, version + " " + NvControl.name(cmd));
                assertEquals(s.size(), abi.controlParams(cmd).orElseThrow().byteSize());
            }
        });
        assertEquals(golden.structs().containsKey("NVA081_CTRL_VGPU_CONFIG_INFO_PARAMS") ? OptionalLong.of(0) : OptionalLong.empty(),
                abi.controlParamsSize(0xA0810109));
        assertTrue(abi.controlParamsSize(0x12345).isEmpty());
        assertEquals(OptionalLong.of(golden.structs().get("NV0080_ALLOC_PARAMETERS").size()), abi.allocParamsSize(0x80));
        assertEquals(OptionalLong.of(0), abi.allocParamsSize(0x0));
    }

    // ---- the comparator itself must be able to fail ----

    @Test
    void aLayoutWithOneFieldMovedFails() {
        Struct golden = GoldenTables.load("535.43.02").structs().get("NVOS21_PARAMETERS");
        // 515's NVOS21 (status at 24, no paramsSize) compared with 535's table
        List<String> mismatches = LayoutComparator.compare(golden, NvrmAbi.R515.struct(NvrmAbi.NVOS21), NvrmAbi.R535.structs());
        assertTrue(mismatches.contains("NVOS21_PARAMETERS.status: offset 24, the compiler's 28"), mismatches.toString());
        assertTrue(mismatches.stream().anyMatch(m -> m.startsWith("NVOS21_PARAMETERS: fields [hRoot, hObjectParent, hObjectNew,"
                + " hClass, pAllocParms, status]")), mismatches.toString());
    }

    @Test
    void aHandWrittenWrongLayoutFailsFieldByField() {
        Struct golden = GoldenTables.load("580.65.06").structs().get("NV0000_CTRL_GPU_GET_PCI_INFO_PARAMS");
        GroupLayout wrong = MemoryLayout.structLayout(
                ValueLayout.JAVA_INT.withName("gpuId"),
                ValueLayout.JAVA_INT.withName("domain"),
                ValueLayout.JAVA_BYTE.withName("bus"),          // u8 where C has NvU16
                MemoryLayout.paddingLayout(1),
                ValueLayout.JAVA_SHORT.withName("slot")).withName("NV0000_CTRL_GPU_GET_PCI_INFO_PARAMS");
        assertEquals(List.of("NV0000_CTRL_GPU_GET_PCI_INFO_PARAMS.bus: size 1, the compiler's 2",
                        "NV0000_CTRL_GPU_GET_PCI_INFO_PARAMS.bus: elements of 1 bytes, the compiler's NvU16 is 2"),
                LayoutComparator.compare(golden, wrong, NvrmAbi.R580.structs()));
        GroupLayout swapped = MemoryLayout.structLayout(
                ValueLayout.JAVA_INT.withName("domain"),
                ValueLayout.JAVA_INT.withName("gpuId"),
                ValueLayout.JAVA_SHORT.withName("bus"),
                ValueLayout.JAVA_SHORT.withName("slot"),
                MemoryLayout.paddingLayout(4)).withName("NV0000_CTRL_GPU_GET_PCI_INFO_PARAMS");
        List<String> m = LayoutComparator.compare(golden, swapped, NvrmAbi.R580.structs());
        assertTrue(m.contains("NV0000_CTRL_GPU_GET_PCI_INFO_PARAMS: size 16, the compiler's 12"), m.toString());
        assertTrue(m.contains("NV0000_CTRL_GPU_GET_PCI_INFO_PARAMS.gpuId: offset 4, the compiler's 0"), m.toString());
        assertTrue(m.contains("NV0000_CTRL_GPU_GET_PCI_INFO_PARAMS.domain: offset 0, the compiler's 4"), m.toString());
    }

    @Test
    void aNestedStructOfTheWrongFamilyFails() {
        Struct golden = GoldenTables.load("595.45.04").structs().get("NVA081_CTRL_VGPU_INFO");
        List<String> m = LayoutComparator.compare(golden, NvrmAbi.R590.struct(NvrmAbi.VGPU_INFO),
                NvrmAbi.R595.structs());
        assertTrue(m.contains("NVA081_CTRL_VGPU_INFO.multiVgpuSupported: offset 424, the compiler's 428"), m.toString());
        assertTrue(golden.field("nominalFbRegionSize").isPresent());
        // and the 595 params holding 590's type info: same size, but not the struct the compiler names
        Struct params = GoldenTables.load("595.45.04").structs().get("NVA081_CTRL_VGPU_CONFIG_INFO_PARAMS");
        assertEquals(List.of("NVA081_CTRL_VGPU_CONFIG_INFO_PARAMS.vgpuInfo: is not the family's struct NVA081_CTRL_VGPU_INFO"),
                LayoutComparator.compare(params, NvrmAbi.R590.struct(NvrmAbi.VGPU_CONFIG_INFO),
                        NvrmAbi.R595.structs()));
    }
}
