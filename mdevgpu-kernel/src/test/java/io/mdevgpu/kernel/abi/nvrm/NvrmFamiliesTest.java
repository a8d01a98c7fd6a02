package io.mdevgpu.kernel.abi.nvrm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.GroupLayout;
import java.lang.foreign.MemoryLayout.PathElement;
import java.lang.foreign.SequenceLayout;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.mdevgpu.DriverLimits;

/** The families are the layout-equivalence classes of the releases, and agree with the generator and the limits. */
class NvrmFamiliesTest {

    @Test
    void everyGoldenReleaseBelongsToTheGeneratorsFamilyOfTheSameName() {
        List<String> covered = new ArrayList<>();
        for (NvrmBindingsGenerator.Family f : NvrmBindingsGenerator.FAMILIES) {
            NvrmAbi abi = NvrmAbi.valueOf(f.name().toUpperCase());
            for (String release : f.releases()) {
                assertEquals(abi, NvrmAbi.forRelease(NvrmRelease.parse(release)), release);
                covered.add(release);
            }
        }
        assertEquals(NvrmAbi.values().length, NvrmBindingsGenerator.FAMILIES.size());
        for (String release : GoldenTables.goldenReleases()) {
            assertTrue(covered.contains(release), release + " has a golden table but no family in the generator");
        }
    }

    @Test
    void neighbouringFamiliesDifferInSomeStruct() {
        NvrmAbi[] all = NvrmAbi.values();
        for (int i = 1; i < all.length; i++) {
            assertNotEquals(all[i - 1].structs(), all[i].structs(), all[i - 1] + " and " + all[i] + " could be one family");
        }
    }

    @Test
    void limitsAgreeWithTheBufferSizesInTheLayouts() {
        for (NvrmAbi abi : NvrmAbi.values()) {
            DriverLimits limits = abi.limits();
            if (abi.structs().containsKey(NvrmAbi.VGPU_TYPES)) {
                assertEquals(limits.maxTypesPerGpu(), length(abi.struct(NvrmAbi.VGPU_TYPES), "vgpuTypes"), abi.family());
            }
            if (abi.structs().containsKey(NvrmAbi.VGPU_INFO)) {
                GroupLayout info = abi.struct(NvrmAbi.VGPU_INFO);
                assertEquals(limits.stringBufferBytes(), length(info, "vgpuName"), abi.family());
                if (Slot.has(info, "homogeneousPlacementIds")) {
                    assertEquals(limits.maxInstancesPerGpu(), length(info, "homogeneousPlacementIds"), abi.family());
                }
            }
        }
        assertEquals(DriverLimits.NEWEST, NvrmAbi.values()[NvrmAbi.values().length - 1].limits());
        assertEquals(new DriverLimits(100, 32, 32), NvrmAbi.R575.limits());
    }

    private static long length(GroupLayout l, String field) {
        return ((SequenceLayout) l.select(PathElement.groupElement(field))).elementCount();
    }

    @Test
    void theKnownReleasesAreListedInOrder() {
        assertEquals(List.of("510", "515", "525-530", "535-545", "550", "555-565", "570", "575", "580", "590", "595"),
                NvrmAbi.knownReleases());
        assertEquals("r555 (555-565; 64 types, 32 instances per GPU, strings up to 31 UTF-8 bytes)", NvrmAbi.R555.toString());
    }
}
