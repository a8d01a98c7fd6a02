package io.mdevgpu.kernel.abi.nvrm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.mdevgpu.kernel.abi.nvrm.NvrmTables.Field;
import io.mdevgpu.kernel.abi.nvrm.NvrmTables.Struct;
import io.mdevgpu.kernel.abi.nvrm.NvrmTables.Table;

/** Reading the tables, and a table field reading and writing its own bytes at the compiler's offset. */
class NvrmTablesTest {

    @Test
    void aFieldReadsAndWritesItsBytesAtTheTablesOffset() {
        Table table = NvrmTables.bundled().load("535.43.02");
        Struct nvos21 = table.struct(NvrmAbi.NVOS21);
        Field status = nvos21.require("status");
        assertEquals(28, status.offset());
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment s = arena.allocate(nvos21.size() + 8);
            status.put(s, 8, 0xFFFF_FFFEL);
            assertEquals(0xFFFF_FFFE, s.get(ValueLayout.JAVA_INT, 8 + 28));
            assertEquals(0xFFFF_FFFEL, status.get(s, 8), "zero-extended");
        }
    }

    @Test
    void anArrayFieldHasElementsOfItsTypesWidth() {
        Struct probed = NvrmTables.bundled().load("580.65.06").struct(NvrmAbi.PROBED_IDS);
        Field excluded = probed.require("excludedGpuIds");
        assertEquals(4, excluded.elementSize());
        assertEquals(32, excluded.count());
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment s = arena.allocate(probed.size());
            excluded.put(s, 0, 31, 0x600);
            assertEquals(0x600, s.get(ValueLayout.JAVA_INT, excluded.offset() + 31 * 4));
            assertEquals(0x600, excluded.get(s, 0, 31));
            assertThrows(IndexOutOfBoundsException.class, () -> excluded.get(s, 0, 32));
        }
    }

    @Test
    void aStringFieldKnowsWhetherItIsTerminated() {
        Struct info = NvrmTables.bundled().load("580.65.06").struct(NvrmAbi.VGPU_INFO);
        Field name = info.require("vgpuName");
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment s = arena.allocate(info.size());
            name.putString(s, 0, "GRID H100-4C");
            assertEquals("GRID H100-4C", name.getString(s, 0));
            assertTrue(name.isTerminated(s, 0));
            s.asSlice(name.offset(), name.size()).fill((byte) 'x');
            assertFalse(name.isTerminated(s, 0));
        }
    }

    @Test
    void aMissingFieldOrTableIsNamed(@TempDir Path empty) {
        Struct nvos21 = NvrmTables.bundled().load("525.53").struct(NvrmAbi.NVOS21);
        assertTrue(nvos21.field("paramsSize").isEmpty(), "525's NVOS21 has no paramsSize");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> nvos21.require("paramsSize"));
        assertEquals("NVOS21_PARAMETERS has no field paramsSize", e.getMessage());
        IllegalArgumentException t = assertThrows(IllegalArgumentException.class, () -> NvrmTables.in(empty).load("600.10"));
        assertTrue(t.getMessage().startsWith("no NVIDIA RM layout table 600.10.txt in " + empty), t.getMessage());
        IllegalArgumentException b = assertThrows(IllegalArgumentException.class, () -> NvrmTables.bundled().load("600.10"));
        assertTrue(b.getMessage().contains("the mdevgpu-kernel jar"), b.getMessage());
    }

    @Test
    void anUnreadableLineIsRefusedWithTheRelease() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> NvrmTables.parse("600.10", "NVOS00_PARAMETERS (nvos.h): size=16 align=4\n   hRoot NvHandle off=0\n"));
        assertEquals("600.10: unreadable NVIDIA RM layout table line:    hRoot NvHandle off=0", e.getMessage());
    }

    @Test
    void readsEveryKindOfLineWithOrWithoutSpacesBeforeTheNumbers() {
        Table t = NvrmTables.parse("600.10", """
                NVOS00_PARAMETERS (nvos.h): size=16 align=4
                   hRoot                        NvHandle               off=    0 size=    4
                   names[NV_X_LEN]              char                   off=4 size=12
                GONE_PARAMS: ABSENT
                NV2080_CTRL_CMD_BUS_GET_PCI_INFO = 0x20801801""");
        Struct s = t.struct("NVOS00_PARAMETERS");
        assertEquals(List.of(new Field("hRoot", "hRoot", "NvHandle", 0, 4),
                new Field("names", "names[NV_X_LEN]", "char", 4, 12)), s.fields());
        assertEquals("nvos.h", s.header());
        assertEquals(16, s.size());
        assertEquals(4, s.alignment());
        assertEquals(java.util.Set.of("GONE_PARAMS"), t.absent());
        assertEquals(java.util.Map.of("NV2080_CTRL_CMD_BUS_GET_PCI_INFO", 0x20801801), t.controls());
    }

    @Test
    void refusesWhatIsNoTableLine() {
        for (String bad : List.of("S (h.h): size=16 align=x", "S (h.h): size=-1 align=4", "S (h.h) size=16 align=4",
                "X = 0x123456789", "X = 12", "X: GONE", "S (h.h): size=16 align=4\n   f NvU32 off=+1 size=4",
                "S (h.h): size=16 align=4\n   f NvU32 off=0 size=4 extra")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> NvrmTables.parse("600.10", bad), bad);
            assertTrue(e.getMessage().startsWith("600.10: unreadable NVIDIA RM layout table line: "), e.getMessage());
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> NvrmTables.parse("600.10", "   f NvU32 off=0 size=4"));
        assertEquals("600.10: a field before any struct:    f NvU32 off=0 size=4", e.getMessage());
    }
}
