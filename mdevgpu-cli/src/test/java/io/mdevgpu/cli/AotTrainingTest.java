package io.mdevgpu.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import io.mdevgpu.kernel.testing.TestJvm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The training run in a JVM of its own, as the launcher starts it (without the JVM's cache output, which only records):
 * it exits 0 and leaves no host of its own behind, and the lean training refuses to run without the full one's host.
 */
class AotTrainingTest {
    @TempDir
    Path tmp;

    @Test
    void aTrainingOnItsOwnHostRemovesThatHost() throws Exception {
        Path checkout = Files.createDirectory(tmp.resolve("no-samples")); // only the reading verbs
        Path temporary = Files.createDirectory(tmp.resolve("java-tmp"));
        TestJvm.Result run = TestJvm.run(AotTraining.class, List.of("--enable-native-access=ALL-UNNAMED",
                "-Xshare:auto", "-XX:TieredStopAtLevel=1", "-Djava.io.tmpdir=" + temporary), 120, checkout.toString());
        assertEquals(0, run.exitCode(), run.output());
        try (Stream<Path> left = Files.list(temporary)) {
            assertEquals(List.of(), left.filter(p -> p.getFileName().toString().startsWith("mdevgpu-aot-")).toList());
        }
    }

    @Test
    void theLeanTrainingNeedsTheFullOnesHost() {
        TestJvm.Result run = TestJvm.run(AotTraining.class, List.of("--enable-native-access=ALL-UNNAMED", "-Xshare:auto",
                "-XX:TieredStopAtLevel=1"), 60, "--lean");
        assertNotEquals(0, run.exitCode(), run.output());
        assertTrue(run.output().contains("--lean trains on the host a full training left: --host DIR"), run.output());
    }
}
