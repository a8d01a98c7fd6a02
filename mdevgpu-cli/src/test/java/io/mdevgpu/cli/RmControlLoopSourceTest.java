package io.mdevgpu.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.mdevgpu.kernel.abi.nvrm.NvEscape;
import io.mdevgpu.kernel.abi.nvrm.NvrmAbi;
import io.mdevgpu.kernel.testing.Repository;
import io.mdevgpu.kernel.testing.Required;

/**
 * The C loop that {@code --bench} is compared with writes its structs out by hand (the GPU machine has no NVIDIA
 * headers): gcc compiles it here, and what it prints with {@code --layouts} must match the golden 580 tables and the
 * library's ioctl numbers, or the two numbers would not measure the same call.
 */
class RmControlLoopSourceTest {
    private static final Pattern STRUCT = Pattern.compile("(\\S+?):? (?:\\(.+\\): )?size=(\\d+) align=(\\d+)");
    private static final Pattern FIELD = Pattern.compile("\\s+(\\w+)(?:\\[\\w+])?\\s+(?:\\S+\\s+)?off=\\s*(\\d+)\\s+size=\\s*(\\d+)");

    @TempDir
    Path build;

    /** {@code struct} to its size and alignment, {@code struct.field} to offset and size. */
    private static Map<String, String> layouts(List<String> lines) {
        Map<String, String> out = new HashMap<>();
        String struct = null;
        for (String line : lines) {
            Matcher s = STRUCT.matcher(line), f = FIELD.matcher(line);
            if (s.matches()) {
                struct = s.group(1);
                out.put(struct, s.group(2) + "/" + s.group(3));
            } else if (f.matches() && struct != null) {
                out.put(struct + "." + f.group(1), f.group(2) + "/" + f.group(3));
            }
        }
        return out;
    }

    private List<String> runLayouts() throws IOException, InterruptedException {
        Path gcc = Required.tool("gcc", "gcc libc6-dev");
        Path source = CliRun.repo("mdevgpu-cli/src/test/c/rm_control_loop.c");
        Path binary = build.resolve("rm_control_loop");
        Process cc = new ProcessBuilder(gcc.toString(), "-O2", "-std=c11", "-Wall", "-Wextra", "-Werror", "-o",
                binary.toString(), source.toString()).redirectErrorStream(true).start();
        String diagnostics = new String(cc.getInputStream().readAllBytes());
        assertEquals(0, cc.waitFor(), diagnostics);
        Process run = new ProcessBuilder(binary.toString(), "--layouts").redirectErrorStream(true).start();
        List<String> lines = new String(run.getInputStream().readAllBytes()).lines().toList();
        assertEquals(true, run.waitFor(10, TimeUnit.SECONDS));
        assertEquals(0, run.exitValue(), String.join("\n", lines));
        return lines;
    }

    @Test
    void theCLoopsStructsAreThe580Releases() throws Exception {
        Map<String, String> c = layouts(runLayouts());
        Map<String, String> golden = layouts(Files.readAllLines(Repository.path("abi/nvidia-rm/580.65.06.txt")));
        assertFalse(c.isEmpty());
        for (var e : c.entrySet()) {
            assertNotNull(golden.get(e.getKey()), "the golden 580 table has no " + e.getKey());
            assertEquals(golden.get(e.getKey()), e.getValue(), e.getKey() + " (size/align or offset/size)");
        }
        assertEquals("384/4", c.get("NV0000_CTRL_GPU_GET_PROBED_IDS_PARAMS"));
    }

    @Test
    void theCLoopSendsTheLibrarysIoctlNumbers() throws Exception {
        String line = runLayouts().stream().filter(l -> l.startsWith("ioctl ")).findFirst().orElseThrow();
        assertEquals(String.format("ioctl NV_ESC_RM_FREE=0x%08x NV_ESC_RM_CONTROL=0x%08x NV_ESC_RM_ALLOC=0x%08x "
                        + "NV_ESC_CHECK_VERSION_STR=0x%08x", NvEscape.RM_FREE, NvEscape.RM_CONTROL,
                NvrmAbi.R580.allocRequest(), NvEscape.CHECK_VERSION_STR), line);
    }
}
