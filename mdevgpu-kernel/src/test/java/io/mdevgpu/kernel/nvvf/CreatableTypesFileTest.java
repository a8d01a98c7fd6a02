package io.mdevgpu.kernel.nvvf;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

import io.mdevgpu.HostStateException;
import io.mdevgpu.kernel.nvvf.NvidiaVfPort.CreatableType;
import org.junit.jupiter.api.Test;

class CreatableTypesFileTest {
    static final Path FILE = Path.of("/sys/bus/pci/devices/0000:41:00.4/nvidia/creatable_vgpu_types");

    /** A fixture's text with its {@code # } provenance lines taken off: what the driver printed. */
    static String fixture(String name) {
        try (InputStream in = CreatableTypesFileTest.class.getResourceAsStream(name)) {
            assertNotNull(in, "fixture " + name);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().filter(l -> !l.startsWith("# "))
                    .collect(Collectors.joining("\n", "", "\n"));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void parsesARealL40sVf() {
        List<CreatableType> types = CreatableTypesFile.parse(FILE, fixture("l40s-creatable_vgpu_types.txt"));
        assertEquals(23, types.size());
        assertEquals(new CreatableType(1145, "NVIDIA L40S-1B"), types.getFirst());
        assertEquals(new CreatableType(1156, "NVIDIA L40S-48Q"), types.get(11));
        assertEquals(new CreatableType(2164, "NVIDIA L40S-3B"), types.getLast());
    }

    @Test
    void formatsAsTheDriverPrintsAndReadsItsOwnTextBack() {
        String real = fixture("l40s-creatable_vgpu_types.txt");
        List<CreatableType> types = CreatableTypesFile.parse(FILE, real);
        assertEquals(real, CreatableTypesFile.format(types), "byte for byte as the driver's %-5d : %s lines");
        assertEquals("ID    : vGPU Name\n", CreatableTypesFile.format(List.of()));
    }

    @Test
    void aFullVfShowsTheHeaderOnly() {
        assertEquals(List.of(), CreatableTypesFile.parse(FILE, "ID    : vGPU Name\n"));
        assertEquals(List.of(), CreatableTypesFile.parse(FILE, ""));
    }

    @Test
    void acceptsLinesWithoutTheHeaderOrPadding() {
        // an H200's VF as NVIDIA's KubeVirt device plugin README shows it, the header left out
        assertEquals(List.of(new CreatableType(1428, "NVIDIA H200X-141C"), new CreatableType(1414, "NVIDIA H200X-1-18C")),
                CreatableTypesFile.parse(FILE, fixture("h200-creatable_vgpu_types.txt")));
        assertEquals(List.of(new CreatableType(7, "X")), CreatableTypesFile.parse(FILE, "7:X"));
    }

    @Test
    void garbageNamesTheFileTheLineAndWhy() {
        assertBad("ID    : vGPU Name\n1145  : NVIDIA L40S-1B\nhello world\n", "line 3 \"hello world\"", "no ':'");
        assertBad("abc : NVIDIA X\n", "line 1 \"abc : NVIDIA X\"", "the type id \"abc\" is not a decimal number");
        assertBad("-5 : NVIDIA X\n", "line 1", "is not a decimal number");
        assertBad("99999999999 : NVIDIA X\n", "line 1", "is not a decimal number");
        assertBad("0 : NVIDIA X\n", "line 1", "type id 0 means 'no type'");
        assertBad("1145 :   \n", "line 1", "type 1145 has no name");
        assertBad("1145 : A\n1145 : B\n", "line 2 \"1145 : B\"", "listed twice");
    }

    @Test
    void errorsListTypesReadably() {
        assertEquals("none", CreatableTypesFile.describe(List.of()));
        assertEquals("1428 (NVIDIA H200X-141C), 1414 (NVIDIA H200X-1-18C)", CreatableTypesFile.describe(
                List.of(new CreatableType(1428, "NVIDIA H200X-141C"), new CreatableType(1414, "NVIDIA H200X-1-18C"))));
        assertEquals("1414 : NVIDIA H200X-1-18C", new CreatableType(1414, "NVIDIA H200X-1-18C").toString());
    }

    private static void assertBad(String text, String... parts) {
        HostStateException e = assertThrows(HostStateException.class, () -> CreatableTypesFile.parse(FILE, text));
        assertTrue(e.getMessage().contains(FILE.toString()), e.getMessage());
        for (String part : parts) assertTrue(e.getMessage().contains(part), e.getMessage());
    }
}
