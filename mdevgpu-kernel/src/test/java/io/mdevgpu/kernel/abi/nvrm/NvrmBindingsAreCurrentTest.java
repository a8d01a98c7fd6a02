package io.mdevgpu.kernel.abi.nvrm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/**
 * The committed binding classes are exactly what {@link NvrmBindingsGenerator} writes from the tables; with
 * {@code -Dnvrm.regenerate=true} this test writes them instead (the command is in the generator's javadoc).
 */
class NvrmBindingsAreCurrentTest {

    private static Path sourceRoot() {
        String repo = System.getProperty("mdevgpu.repo", ".");
        Path root = Path.of(repo, "mdevgpu-kernel/src/main/java");
        return Files.isDirectory(root) ? root : Path.of("src/main/java");
    }

    @Test
    void theGeneratedClassesAreUpToDate() throws IOException {
        Path root = sourceRoot();
        if (Boolean.getBoolean("nvrm.regenerate")) NvrmBindingsGenerator.write(root);
        Map<Path, String> expected = NvrmBindingsGenerator.generate();
        List<String> stale = new ArrayList<>();
        for (var e : expected.entrySet()) {
            Path file = root.resolve(e.getKey());
            if (!Files.exists(file)) {
                stale.add("missing " + e.getKey());
            } else if (!Files.readString(file).equals(e.getValue())) {
                stale.add("differs " + e.getKey());
            }
        }
        for (Path p : NvrmBindingsGenerator.generatedFiles(root)) {
            if (!expected.containsKey(root.relativize(p))) stale.add("no longer generated " + root.relativize(p));
        }
        assertEquals(List.of(), stale, "regenerate with -Dnvrm.regenerate=true (see NvrmBindingsGenerator) and commit the result");
        assertEquals(NvrmBindingsGenerator.BINDINGS.size(), expected.size());
    }
}
