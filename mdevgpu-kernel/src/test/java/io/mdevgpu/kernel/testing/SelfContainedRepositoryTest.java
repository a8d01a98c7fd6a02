package io.mdevgpu.kernel.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/**
 * Nothing in the repository names a path outside the checkout: a build, test or generator reads only what a
 * fresh clone has ({@code abi/}, {@code fixtures/}, {@code harness/}), and docs name files relatively.
 */
class SelfContainedRepositoryTest {
    /** A sibling {@code shared/} directory, the machines' work and home directories, the team's reference tree. */
    static final Pattern OUTSIDE = Pattern.compile(
            "\\.\\./shared\\b|/work/|(?<![\\w.$-])/(root|home)/|\\bshared/(reference|fixtures)\\b");

    @Test
    void noTrackedFileNamesAPathOutsideTheCheckout() throws Exception {
        Path root = Repository.root();
        List<String> found = new ArrayList<>();
        for (String name : repositoryFiles(root)) {
            if (name.endsWith("/" + SelfContainedRepositoryTest.class.getSimpleName() + ".java")) continue; // its examples
            Path file = root.resolve(name);
            if (!Files.isRegularFile(file)) continue;
            byte[] bytes = Files.readAllBytes(file);
            if (isBinary(bytes)) continue;
            String[] lines = new String(bytes, StandardCharsets.ISO_8859_1).split("\n", -1);
            for (int i = 0; i < lines.length; i++) {
                var m = OUTSIDE.matcher(lines[i]);
                if (m.find()) found.add(name + ":" + (i + 1) + ": " + m.group() + "  in  " + lines[i].strip());
            }
        }
        assertEquals(List.of(), found, "copy the data into the repository (abi/, fixtures/) and name it relatively");
    }

    @Test
    void thePatternCatchesEachKindOfOutsidePath() {
        for (String line : List.of("shared=$root/../shared", "Path.of(\"/work/shared\")", "cmp /root/out/config x",
                "see shared/reference/nvidia-rm.md", "the fixture in shared/fixtures/h100", "cd /home/dev/mdevgpu")) {
            assertTrue(OUTSIDE.matcher(line).find(), line);
        }
        for (String line : List.of("abi/nvidia-rm/580.65.06.txt", "fixtures/h100-sxm5-80g/config", "/sys/bus/pci/devices",
                "/usr/lib/jvm/temurin-25-jdk-amd64", "/etc/mdevctl.d", "$OUT/driver-1.json", "a shared/ lock")) {
            assertFalse(OUTSIDE.matcher(line).find(), line);
        }
    }

    /** The files git tracks or would add (untracked, not ignored), relative to {@code root}. */
    private static List<String> repositoryFiles(Path root) throws IOException, InterruptedException {
        Path git = Required.tool("git", "git");
        Process p = new ProcessBuilder(git.toString(), "-C", root.toString(), "ls-files", "-z", "--cached", "--others",
                "--exclude-standard").redirectError(ProcessBuilder.Redirect.DISCARD).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        Required.that(p.exitValue() == 0, root + " is not a git checkout (git ls-files failed)");
        List<String> names = new ArrayList<>();
        for (String name : new String(out, StandardCharsets.UTF_8).split("\0")) {
            if (!name.isEmpty()) names.add(name);
        }
        assertTrue(names.size() > 100, "git listed only " + names.size() + " files in " + root);
        return names;
    }

    private static boolean isBinary(byte[] bytes) {
        for (int i = 0; i < Math.min(bytes.length, 8192); i++) {
            if (bytes[i] == 0) return true;
        }
        return false;
    }
}
