package io.mdevgpu.kernel.abi.nvrm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.lang.foreign.GroupLayout;
import java.lang.foreign.MemoryLayout.PathElement;
import java.lang.foreign.SequenceLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.mdevgpu.DriverLimits;

/** The families are the layout-equivalence classes of the releases, and agree with the generator and the limits. */
class NvrmFamiliesTest {

    @Test
    void everyTableInTheRepositoryIsRegisteredInTheFamilyItsMajorChooses() {
        List<String> registered = new ArrayList<>();
        for (NvrmAbi abi : NvrmAbi.values()) {
            for (String release : abi.tables()) {
                assertEquals(abi, NvrmAbi.forRelease(NvrmRelease.parse(release)), release);
                registered.add(release);
            }
        }
        List<String> tables = new ArrayList<>(GoldenTables.goldenReleases());
        tables.add(GoldenTables.PREDECESSOR_RELEASE);
        assertEquals(tables.stream().sorted(GoldenTables.VERSION_ORDER).toList(),
                registered.stream().sorted(GoldenTables.VERSION_ORDER).toList(),
                "every table in abi/nvidia-rm is a release of exactly one NvrmAbi family");
    }

    @Test
    void everyReleaseOfAFamilyIsLaidOutAsItsFirst() {
        for (NvrmAbi abi : NvrmAbi.values()) {
            for (String release : abi.tables()) {
                assertEquals(abi.structs(), GoldenTables.load(release).layouts(), release + " is laid out unlike "
                        + abi.tables().getFirst() + ": give it a family of its own");
            }
        }
    }

    @Test
    void theJarCarriesTheRepositorysTables() {
        for (NvrmAbi abi : NvrmAbi.values()) {
            for (String release : abi.tables()) {
                assertEquals(GoldenTables.load(release), NvrmTables.bundled().load(release), release);
            }
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
            assertEquals(List.of(), limitsUnlikeTheLayouts(abi.limits(), abi.structs()), abi.family());
        }
        assertEquals(DriverLimits.NEWEST, NvrmAbi.values()[NvrmAbi.values().length - 1].limits());
        assertEquals(new DriverLimits(100, 32, 32), NvrmAbi.R575.limits());
        assertEquals(List.of("128 types per GPU, the list holds 100"),
                limitsUnlikeTheLayouts(DriverLimits.NEWEST, NvrmAbi.R575.structs()).subList(0, 1));
    }

    /** Where {@code limits} disagree with the buffers of a family's layouts, in words; empty where they agree. */
    static List<String> limitsUnlikeTheLayouts(DriverLimits limits, Map<String, GroupLayout> structs) {
        List<String> out = new ArrayList<>();
        if (structs.containsKey(NvrmAbi.VGPU_TYPES)) {
            long list = length(structs.get(NvrmAbi.VGPU_TYPES), "vgpuTypes");
            if (list != limits.maxTypesPerGpu()) out.add(limits.maxTypesPerGpu() + " types per GPU, the list holds " + list);
        }
        if (structs.containsKey(NvrmAbi.VGPU_INFO)) {
            GroupLayout info = structs.get(NvrmAbi.VGPU_INFO);
            long name = length(info, "vgpuName");
            if (name != limits.stringBufferBytes()) out.add(limits.stringBufferBytes() + "-byte strings, the name holds " + name);
            if (io.mdevgpu.kernel.abi.LayoutMember.has(info, "homogeneousPlacementIds")) {
                long placements = length(info, "homogeneousPlacementIds");
                if (placements != limits.maxInstancesPerGpu()) {
                    out.add(limits.maxInstancesPerGpu() + " instances per GPU, " + placements + " placement ids");
                }
            }
        }
        return out;
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
