package io.mdevgpu.kernel.abi.nvrm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.GroupLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.mdevgpu.DriverLimits;
import io.mdevgpu.MdevType;
import io.mdevgpu.MdevTypeBuilder;
import io.mdevgpu.PciId;
import io.mdevgpu.Size;
import io.mdevgpu.UnsupportedDriverException;
import io.mdevgpu.kernel.abi.nvrm.NvrmTables.Struct;
import io.mdevgpu.kernel.abi.nvrm.NvrmTables.Table;

/**
 * Adding a driver release is one table plus one registry line: a fictitious 600.10, whose headers are 595's with the
 * supported-types list grown from 128 to 256 entries, goes from its table through exactly what an {@link NvrmAbi}
 * constant {@code R600(new DriverLimits(256, 48, 64), "600.10")} does ({@link FamilyLayouts} of the table), and the
 * client's codecs then write the new layout.
 */
class NvrmAddReleaseTest {
    private static final DriverLimits R600_LIMITS = new DriverLimits(256, 48, 64);
    private static final PciId PHYSICAL = PciId.of(0x10DE, 0x2330, 0x10DE, 0x16C1);

    /** abi/nvidia-rm with 600.10's table and supplement added: 595's, the type list grown to 256 entries. */
    private static NvrmTables with600(Path dir, String listLine) throws IOException {
        Path golden = GoldenTables.goldenDirectory();
        Files.createDirectories(dir.resolve("supplement"));
        Files.copy(golden.resolve("595.45.04.txt"), dir.resolve("600.10.txt"));
        String supplement = Files.readString(golden.resolve("supplement/595.45.04.txt"));
        String grown = supplement
                .replace("NVA081_CTRL_VGPU_CONFIG_GET_VGPU_TYPES_PARAMS (ctrl/ctrla081.h): size=524 align=4",
                        "NVA081_CTRL_VGPU_CONFIG_GET_VGPU_TYPES_PARAMS (ctrl/ctrla081.h): size=1036 align=4")
                .replace("off=   12 size=  512", listLine);
        assertNotEquals(supplement, grown, "595's supplement no longer reads as this test expects");
        Files.writeString(dir.resolve("supplement/600.10.txt"), grown);
        return NvrmTables.in(dir);
    }

    @Test
    void aReleaseFromItsTableGetsItsLayoutsAndCodecs(@TempDir Path dir) throws IOException {
        Table table = with600(dir, "off=   12 size= 1024").load("600.10");
        FamilyLayouts r600 = new FamilyLayouts("r600", R600_LIMITS, table);

        // the changed struct is laid out anew, as the compiler's table says, and nothing else moved
        GroupLayout list = r600.structs.get(NvrmAbi.VGPU_TYPES);
        assertEquals(1036, list.byteSize());
        for (Struct s : table.structs().values()) {
            assertEquals(List.of(), LayoutComparator.compare(s, r600.structs.get(s.name()), r600.structs), s.name());
        }
        List<String> changed = new ArrayList<>();
        r600.structs.forEach((name, layout) -> {
            if (!layout.equals(NvrmAbi.R595.structs().get(name))) changed.add(name);
        });
        assertEquals(List.of(NvrmAbi.VGPU_TYPES), changed);
        assertEquals(List.of(), NvrmFamiliesTest.limitsUnlikeTheLayouts(R600_LIMITS, r600.structs));
        assertEquals(List.of("256 types per GPU, the list holds 128"),
                NvrmFamiliesTest.limitsUnlikeTheLayouts(R600_LIMITS, NvrmAbi.R595.structs()));

        // the codecs read the new layout: 200 types fit (595 holds 128), at the table's offsets
        VgpuTypeCodec codec = r600.vgpuTypes.orElseThrow();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment reply = arena.allocate(list);
            int[] numbers = IntStream.rangeClosed(1, 200).toArray();
            codec.encodeSupportedTypes(reply, numbers, numbers.length, 2);
            Struct golden = table.struct(NvrmAbi.VGPU_TYPES);
            assertEquals(200, reply.get(ValueLayout.JAVA_INT, golden.field("numVgpuTypes").orElseThrow().offset()));
            assertEquals(200, reply.get(ValueLayout.JAVA_INT, golden.field("vgpuTypes").orElseThrow().offset() + 199 * 4));
            int[] out = new int[256];
            assertEquals(200, codec.supportedTypes(reply, out));
            assertArrayEquals(numbers, Arrays.copyOf(out, 200));
            assertThrows(IllegalArgumentException.class, () -> NvrmAbi.R595.vgpuTypes().orElseThrow()
                    .encodeSupportedTypes(arena.allocate(NvrmAbi.R595.struct(NvrmAbi.VGPU_TYPES)), numbers, 200, 2));

            MdevType type = MdevTypeBuilder.number(900).name("NVIDIA H200-1-18C").gpuClass("Compute").maxInstances(7)
                    .framebuffer(Size.mib(17408)).reserved(Size.mib(1024)).bar1(Size.mib(256)).build();
            MemorySegment setInfo = arena.allocate(r600.structs.get(NvrmAbi.VGPU_CONFIG_INFO));
            codec.encodeConfigInfo(setInfo, type, PHYSICAL, true);
            assertEquals(codec.asHeld(type, PHYSICAL).orElseThrow(), codec.decodeConfigInfo(setInfo));
        }
    }

    @Test
    void untilItsRegistryLineIsAddedTheReleaseIsRefusedByName() {
        UnsupportedDriverException e = assertThrows(UnsupportedDriverException.class,
                () -> NvrmAbi.forRelease(NvrmRelease.parse("600.10")));
        assertTrue(e.getMessage().contains("600.10") && e.getMessage().contains("595"), e.getMessage());
    }

    @Test
    void aTableThatContradictsItselfIsRefusedNamingTheField(@TempDir Path dir) throws IOException {
        // the list grown but its struct's size left at 524: C's rules and the compiler's numbers disagree
        Table table = with600(dir, "off=   12 size= 1024").load("600.10");
        Map<String, Struct> structs = new java.util.LinkedHashMap<>(table.structs());
        Struct list = table.struct(NvrmAbi.VGPU_TYPES);
        structs.put(list.name(), new Struct(list.name(), list.header(), 524, list.alignment(), list.fields()));
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> new Table("600.10", structs, table.absent()).layouts());
        assertEquals("600.10: NVA081_CTRL_VGPU_CONFIG_GET_VGPU_TYPES_PARAMS is 1036 bytes aligned to 4 by C's rules but 524"
                + " aligned to 4 in the table", e.getMessage());

        Table moved = with600(dir.resolve("moved"), "off=   16 size= 1024").load("600.10");
        IllegalStateException m = assertThrows(IllegalStateException.class, moved::layouts);
        assertTrue(m.getMessage().contains("vgpuTypes[NVA081_MAX_VGPU_TYPES_PER_PGPU] lies at 12"), m.getMessage());
    }
}
