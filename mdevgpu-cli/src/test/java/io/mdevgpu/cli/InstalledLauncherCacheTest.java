package io.mdevgpu.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.mdevgpu.kernel.testing.Repository;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which start-up cache the installed launcher (packaging/bin/mdevgpu) hands the JVM, and how it trains both: run with a
 * stand-in for java that writes down its arguments.
 */
class InstalledLauncherCacheTest {
    @TempDir
    Path lib;
    private Path calls;

    @BeforeEach
    void aStandInJava() throws IOException {
        calls = lib.resolve("calls");
        Path java = lib.resolve("java");
        // each call: its arguments on one line; a call whose output is the full cache fails when FAIL_FULL is set
        Files.writeString(java, """
                #!/bin/sh
                echo "$*" >> "%s"
                case "$*" in *"AOTCacheOutput=%s/mdevgpu.aot "*) [ -z "${FAIL_FULL:-}" ] || exit 3 ;; esac
                exit 0
                """.formatted(calls, lib));
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    @Test
    void everyVerbButApplyAndPlanMapsTheLeanCache() throws Exception {
        Files.writeString(lib.resolve("mdevgpu.aot"), "");
        Files.writeString(lib.resolve("mdevgpu-lean.aot"), "");
        assertEquals(lib.resolve("mdevgpu-lean.aot").toString(), cacheOf("--host", "sim@/x", "list"));
        assertEquals(lib.resolve("mdevgpu-lean.aot").toString(), cacheOf("--json", "gpus"));
        assertEquals(lib.resolve("mdevgpu-lean.aot").toString(), cacheOf("--help"));
        assertEquals(lib.resolve("mdevgpu.aot").toString(), cacheOf("--host", "sim@/x", "apply", "-c", "c.toml"));
        assertEquals(lib.resolve("mdevgpu.aot").toString(), cacheOf("plan", "-c", "c.toml"));
    }

    @Test
    void aSimulatedHostNotKeptInADirectoryMapsTheFullCache() throws Exception {
        Files.writeString(lib.resolve("mdevgpu.aot"), "");
        Files.writeString(lib.resolve("mdevgpu-lean.aot"), "");
        String full = lib.resolve("mdevgpu.aot").toString(), lean = lib.resolve("mdevgpu-lean.aot").toString();
        assertEquals(full, cacheOf("--host", "sim", "list"));
        assertEquals(full, cacheOf("--host=sim:a100x2", "list"));
        assertEquals(full, cacheOf("--host", "sim:/etc/hosts.toml", "gpus"));
        assertEquals(lean, cacheOf("--host", "sim@/var/tmp/h", "list"));
        assertEquals(lean, cacheOf("--host=sim:a100x2@/var/tmp/h", "list"));
        assertEquals(full, cacheOf(Map.of("MDEVGPU_HOST", "sim"), "list"));
        assertEquals(lean, cacheOf(Map.of("MDEVGPU_HOST", "sim@/var/tmp/h"), "list"));
        assertEquals(lean, cacheOf(Map.of("MDEVGPU_HOST", "real"), "list"));
    }

    @Test
    void withoutTheLeanCacheEveryVerbMapsTheFullOneAndWithoutEitherNone() throws Exception {
        Files.writeString(lib.resolve("mdevgpu.aot"), "");
        assertEquals(lib.resolve("mdevgpu.aot").toString(), cacheOf("list"));
        Files.delete(lib.resolve("mdevgpu.aot"));
        assertEquals("", cacheOf("list"));
    }

    @Test
    void trainingWritesTheFullCacheThenTheLeanOneOnTheSameHostAndRemovesIt() throws Exception {
        int status = launch(Map.of("MDEVGPU_AOT_OUTPUT", lib.resolve("mdevgpu.aot").toString()), "/checkout");
        assertEquals(0, status);
        List<String> lines = Files.readAllLines(calls);
        assertEquals(2, lines.size(), lines.toString());
        String host = argumentAfter(lines.get(0), "--host");
        assertTrue(lines.get(0).contains("-XX:AOTCacheOutput=" + lib.resolve("mdevgpu.aot") + " "), lines.get(0));
        assertTrue(lines.get(0).endsWith("io.mdevgpu.cli/io.mdevgpu.cli.AotTraining --host " + host + " /checkout"), lines.get(0));
        assertTrue(lines.get(1).contains("-XX:AOTCacheOutput=" + lib.resolve("mdevgpu-lean.aot") + " "), lines.get(1));
        assertTrue(lines.get(1).endsWith("AotTraining --lean --host " + host + " /checkout"), lines.get(1));
        assertFalse(Files.exists(Path.of(host)), "the training host is removed");
    }

    @Test
    void aFailedFullTrainingSkipsTheLeanOneAndFails() throws Exception {
        Files.writeString(lib.resolve("mdevgpu-lean.aot"), "left by an earlier training");
        int status = launch(Map.of("MDEVGPU_AOT_OUTPUT", lib.resolve("mdevgpu.aot").toString(), "FAIL_FULL", "1"));
        assertEquals(3, status);
        assertEquals(1, Files.readAllLines(calls).size());
        assertFalse(Files.exists(lib.resolve("mdevgpu-lean.aot")), "no lean cache of an earlier build stays beside it");
    }

    @Test
    void theLauncherAndTheTrainingNameTheSameFullOnlyVerbs() throws IOException {
        Matcher m = Pattern.compile("\\s([a-z|]+)\\) lean= ;; +# AotTraining.FULL_ONLY").matcher(Files.readString(Repository.path("packaging/bin/mdevgpu")));
        assertTrue(m.find(), "the launcher's case of the full-only verbs");
        assertEquals(AotTraining.FULL_ONLY, Arrays.asList(m.group(1).split("\\|")));
        for (String[] verb : AotTraining.leanVerbs("--host=sim@/x", true)) {
            for (String word : verb) assertFalse(AotTraining.FULL_ONLY.contains(word), String.join(" ", verb));
        }
    }

    /** The cache the launcher names in -XX:AOTCache for {@code args}, or "" when it names none. */
    private String cacheOf(String... args) throws Exception {
        return cacheOf(Map.of(), args);
    }

    private String cacheOf(Map<String, String> env, String... args) throws Exception {
        Files.deleteIfExists(calls);
        assertEquals(0, launch(env, args));
        String line = Files.readAllLines(calls).getFirst();
        return line.contains("-XX:AOTCache=") ? argumentAfter(line.replace("-XX:AOTCache=", "-XX:AOTCache= "), "-XX:AOTCache=") : "";
    }

    private int launch(Map<String, String> env, String... args) throws Exception {
        Map<String, String> all = new HashMap<>(Map.of("MDEVGPU_JAVA", lib.resolve("java").toString(),
                "MDEVGPU_LIB", lib.toString(), "TMPDIR", lib.toString()));
        all.putAll(env);
        LauncherScript.Result run = LauncherScript.run("packaging/bin/mdevgpu", all, List.of(args));
        assertTrue(run.output().isEmpty() || run.status() != 0, run.output());
        return run.status();
    }

    private static String argumentAfter(String line, String option) {
        List<String> words = Arrays.asList(line.split(" "));
        return words.get(words.indexOf(option) + 1);
    }
}
