package io.mdevgpu.cli;

import io.mdevgpu.kernel.testing.Repository;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The repo launcher's staleness check ({@code ./mdevgpu}'s {@code watched} and {@code source_state}): the text itself, cut from the
 * script, run in a throw-away git repository shaped like this one. An edit to a main source, a build source or a pom
 * must change the state (the launcher then builds again); an edit to a test must not.
 */
class LauncherStalenessTest {
    @TempDir
    Path repo;

    @BeforeEach
    void aCommittedCheckout() throws Exception {
        write("pom.xml", "<project/>");
        write("mod/pom.xml", "<project/>");
        write("mod/src/main/java/A.java", "class A {}");
        write("mod/src/build/java/B.java", "class B {}");
        write("mod/src/test/java/T.java", "class T {}");
        git("init", "-q");
        git("add", "-A");
        git("-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "init");
    }

    @Test
    void anEditToAMainSourceABuildSourceOrAPomMakesItStale() throws Exception {
        String clean = state();
        assertEquals(clean, state(), "the same tree gives the same state");

        write("mod/src/main/java/A.java", "class A { int x; }");
        String edited = state();
        assertNotEquals(clean, edited, "an uncommitted edit to a main source");

        write("mod/src/main/java/A.java", "class A { int y; }");
        assertNotEquals(edited, state(), "a second edit to the same file");

        git("checkout", "-q", "--", ".");
        assertEquals(clean, state(), "back as committed");

        write("mod/src/build/java/B.java", "class B { int x; }");
        assertNotEquals(clean, state(), "the build step's source");
        git("checkout", "-q", "--", ".");

        write("mod/pom.xml", "<project><!-- changed --></project>");
        assertNotEquals(clean, state(), "a module's pom");
        git("checkout", "-q", "--", ".");

        write("mod/src/main/java/New.java", "class New {}");
        String untracked = state();
        assertNotEquals(clean, untracked, "a new, untracked main source");
        write("mod/src/main/java/New.java", "class New { int x; }");
        assertNotEquals(untracked, state(), "an edit to an untracked main source");
        Files.delete(repo.resolve("mod/src/main/java/New.java"));

        git("mv", "mod/src/main/java/A.java", "mod/src/main/java/Renamed.java");
        String renamed = state();
        assertNotEquals(clean, renamed, "a renamed main source");
        write("mod/src/main/java/Renamed.java", "class Renamed {}");
        assertNotEquals(renamed, state(), "an edit to a renamed main source");
    }

    @Test
    void aDeletedMainSourceMakesItStaleWithoutStoppingTheLauncher() throws Exception {
        String clean = state();
        Files.delete(repo.resolve("mod/src/main/java/A.java"));
        String deleted = state();
        assertNotEquals(clean, deleted, "a main source deleted in the work tree");
        git("rm", "-q", "--cached", "mod/src/main/java/A.java");
        assertNotEquals(clean, state(), "a main source deleted from the index too (git rm)");
    }

    @Test
    void aNewCommitMakesItStale() throws Exception {
        String clean = state();
        write("mod/src/test/java/T.java", "class T { int x; }");
        git("-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-am", "a test only");
        assertNotEquals(clean, state(), "the commit is part of the state (a pull, a checkout)");
    }

    @Test
    void anEditToATestLeavesItAsItWas() throws Exception {
        String clean = state();
        write("mod/src/test/java/T.java", "class T { int x; }");
        assertEquals(clean, state());
    }

    /** {@code source_state} as the launcher defines it, run with {@code root} set to the throw-away repository. */
    private String state() throws IOException, InterruptedException {
        return state(repo, "/nonexistent");
    }

    private String state(Path root, String stamp) throws IOException, InterruptedException {
        String launcher = Files.readString(Repository.path("mdevgpu"));
        int start = launcher.indexOf("watched=(");
        int end = launcher.indexOf("\n}\n", launcher.indexOf("source_state() {"));
        if (start < 0 || end < start) fail("no watched=(...) and source_state() function in ./mdevgpu");
        String function = launcher.substring(start, end + 3);
        // with the launcher's shell options: a failing command inside stops it, silently, as it would the launcher
        return run(List.of("bash", "-c", "set -euo pipefail; root=\"$1\"; stamp=\"$2\"\n" + function
                + "source_state; printf '%s' \"$state\"", "bash", root.toString(), stamp));
    }

    @Test
    void outsideAGitCheckoutASourceNewerThanTheStampMakesItStale(@TempDir Path copy) throws Exception {
        Files.createDirectories(copy.resolve("mod/src/main/java"));
        Files.writeString(copy.resolve("pom.xml"), "<project/>");
        Files.writeString(copy.resolve("mod/pom.xml"), "<project/>");
        Path source = Files.writeString(copy.resolve("mod/src/main/java/A.java"), "class A {}");
        Path stamp = copy.resolve("stamp");
        assertEquals("not a git checkout: changed since the stamp", state(copy, stamp.toString()), "no stamp yet");
        Files.writeString(stamp, "");
        Files.setLastModifiedTime(source, java.nio.file.attribute.FileTime.fromMillis(
                Files.getLastModifiedTime(stamp).toMillis() - 60_000));
        Files.setLastModifiedTime(copy.resolve("pom.xml"), Files.getLastModifiedTime(source));
        Files.setLastModifiedTime(copy.resolve("mod/pom.xml"), Files.getLastModifiedTime(source));
        assertEquals("not a git checkout", state(copy, stamp.toString()), "nothing newer than the stamp");
        Files.setLastModifiedTime(source, java.nio.file.attribute.FileTime.fromMillis(
                Files.getLastModifiedTime(stamp).toMillis() + 60_000));
        assertEquals("not a git checkout: changed since the stamp", state(copy, stamp.toString()), "a newer source");
    }

    private void git(String... args) throws IOException, InterruptedException {
        List<String> command = new java.util.ArrayList<>(List.of("git", "-C", repo.toString()));
        command.addAll(List.of(args));
        run(command);
    }

    private String run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) fail(command + " failed: " + out);
        return out.strip();
    }

    private void write(String relative, String text) throws IOException {
        Path file = repo.resolve(relative);
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
    }
}
