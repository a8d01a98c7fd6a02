package io.mdevgpu.cli;

import io.mdevgpu.kernel.testing.Repository;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The repo launcher's staleness check ({@code ./mdevgpu}'s {@code stale}, {@code find_sources} and
 * {@code begin_stamp}): the text itself, cut from the script, run in a throw-away tree shaped like this repository.
 * After a build, an edit to a main source, a build source or a pom, and a source added, removed or renamed, must make
 * the CLI stale (the launcher then builds again); an edit to a test must not.
 */
class LauncherStalenessTest {
    @TempDir
    Path repo;

    @BeforeEach
    void aBuiltTree() throws Exception {
        write("pom.xml", "<project/>");
        write("mod/pom.xml", "<project/>");
        write("mod/src/main/java/A.java", "class A {}");
        write("mod/src/main/resources/a.txt", "a");
        write("mod/src/test/java/T.java", "class T {}");
        write("tool/pom.xml", "<project/>");
        write("tool/src/build/java/B.java", "class B {}");
        write("mod/target/mod.jar", "");
        build();
    }

    @Test
    void anUnchangedTreeIsNotStaleAndAMissingJarOrStampIs() throws Exception {
        assertFalse(stale(), "nothing changed since the build");
        Files.delete(repo.resolve("mod/target/mod.jar"));
        assertTrue(stale(), "no jar");
        build();
        Files.delete(repo.resolve("mod/target/stamp"));
        assertTrue(stale(), "no stamp (the first run, or after mvn clean)");
    }

    @Test
    void anEditToAMainSourceABuildSourceOrAPomMakesItStale() throws Exception {
        for (String edited : List.of("mod/src/main/java/A.java", "mod/src/main/resources/a.txt",
                "tool/src/build/java/B.java", "mod/pom.xml", "pom.xml")) {
            write(edited, "changed");
            assertTrue(stale(), edited);
            build();
            assertFalse(stale(), "built again after " + edited);
        }
    }

    @Test
    void anAddedRemovedOrRenamedSourceMakesItStale() throws Exception {
        write("mod/src/main/java/New.java", "class New {}");
        assertTrue(stale(), "a new main source (its directory's time changes)");
        build();
        write("mod/src/main/java/pkg/Deep.java", "class Deep {}");
        assertTrue(stale(), "a new package");
        build();
        Files.delete(repo.resolve("mod/src/main/java/New.java"));
        assertTrue(stale(), "a removed main source");
        build();
        Files.move(repo.resolve("mod/src/main/java/A.java"), repo.resolve("mod/src/main/java/Renamed.java"));
        assertTrue(stale(), "a renamed main source");
        build();
        write("mod/src/build/java/C.java", "class C {}");
        assertTrue(stale(), "a module's first build source (its src directory's time changes)");
        build();
        Files.delete(repo.resolve("tool/pom.xml"));
        assertTrue(stale(), "a module's pom removed");
    }

    @Test
    void anEditToATestLeavesItAsItWas() throws Exception {
        write("mod/src/test/java/T.java", "class T { int x; }");
        write("mod/src/test/java/U.java", "class U {}");
        write("mod/target/classes/A.class", "built");
        assertFalse(stale());
    }

    @Test
    void aSourceDatedInTheFutureIsSaidWithTheFix() throws Exception {
        Path source = write("mod/src/main/java/A.java", "class A { int x; }");
        Files.setLastModifiedTime(source, FileTime.from(Instant.now().plusSeconds(3600)));
        String said = run("begin_stamp \"$stamp.next\" && mv \"$stamp.next\" \"$stamp\"");
        assertTrue(said.contains("mod/src/main/java/A.java is dated in the future"), said);
        assertTrue(said.contains("-newermt now -exec touch {} +"), said);
        assertTrue(stale(), "the stamp is not dated after it, so no later edit is hidden");
    }

    @Test
    void theListHoldsWhatTheBuildReadsAndNothingElse() throws Exception {
        List<String> listed = Files.readAllLines(repo.resolve("mod/target/stamp"));
        assertEquals(Set.of("pom.xml", "mod/pom.xml", "mod/src", "mod/src/main", "mod/src/main/java",
                "mod/src/main/java/A.java", "mod/src/main/resources", "mod/src/main/resources/a.txt", "tool/pom.xml",
                "tool/src", "tool/src/build", "tool/src/build/java", "tool/src/build/java/B.java"), Set.copyOf(listed));
        assertEquals(Set.copyOf(listed).size(), listed.size(), "each path once");
    }

    /** A build as the launcher makes one: every path dated a minute ago (older than the stamp), then the stamp. */
    private void build() throws Exception {
        FileTime before = FileTime.from(Instant.now().minusSeconds(60));
        try (Stream<Path> paths = Files.walk(repo)) {
            for (Path path : paths.toList()) Files.setLastModifiedTime(path, before);
        }
        String said = run("begin_stamp \"$stamp.next\" && mv \"$stamp.next\" \"$stamp\"");
        assertEquals("", said, "a build of an ordinary tree says nothing");
    }

    private boolean stale() throws IOException, InterruptedException {
        return switch (run("if stale; then echo stale; else echo fresh; fi")) {
            case "stale" -> true;
            case "fresh" -> false;
            default -> throw new AssertionError("stale printed neither");
        };
    }

    /** The launcher's functions, with its shell options, {@code root}, {@code jar} and {@code stamp}, then command. */
    private String run(String command) throws IOException, InterruptedException {
        String launcher = Files.readString(Repository.path("mdevgpu"));
        int start = launcher.indexOf("stale() {");
        int end = launcher.indexOf("\n}\n", launcher.indexOf("begin_stamp() {"));
        if (start < 0 || end < start) fail("no stale(), find_sources() and begin_stamp() functions in ./mdevgpu");
        String functions = launcher.substring(start, end + 3);
        List<String> bash = List.of("bash", "-c", "set -euo pipefail; root=\"$1\"; jar=\"$2\"; stamp=\"$3\"\n"
                + functions + command, "bash", repo.toString(), repo.resolve("mod/target/mod.jar").toString(),
                repo.resolve("mod/target/stamp").toString());
        Process p = new ProcessBuilder(bash).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) fail(command + " failed: " + out);
        return out.strip();
    }

    private Path write(String relative, String text) throws IOException {
        Path file = repo.resolve(relative);
        Files.createDirectories(file.getParent());
        return Files.writeString(file, text);
    }
}
