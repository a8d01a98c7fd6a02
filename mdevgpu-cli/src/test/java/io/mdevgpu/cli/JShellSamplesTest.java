package io.mdevgpu.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Runs each walkthrough of {@code samples/jshell} non-interactively in the JDK's own jshell, as
 * {@code ./mdevgpu jshell SCRIPT} does (startup script, native access, the library on the class path), on the
 * default simulated host, and checks its key lines and that nothing failed; and the README's example as pasted.
 */
class JShellSamplesTest {
    record Script(String name, List<String> expected) {
        @Override
        public String toString() {
            return name;
        }
    }

    static List<Script> scripts() {
        return List.of(
                new Script("01-discover.jsh", List.of(
                        "driver: nvidia 550.54.14",
                        "gpu 0000:17:00.0 ", "gpu 0000:65:00.0 ", "gpu 0000:b3:00.0 ",
                        "types on 0000:17:00.0: 0 ",
                        "instances: 0")),
                new Script("02-plan-apply.jsh", List.of(
                        "plan fits: true",
                        "plan nvidia-531: 4 instance(s)",
                        "type nvidia-531 \"Open vAmpere/4\" available=4",
                        "profile fits: true on 3 GPU(s)",
                        "0000:b3:00.0 offers [nvidia-1, nvidia-2, nvidia-3]")),
                new Script("03-create-inspect.jsh", List.of(
                        "config: vendor 0x10de",
                        "read back 0xcafef00d via mmap, 0xcafef00d via pread",
                        "closed",
                        "removed; instances left: 0")),
                new Script("04-teardown.jsh", List.of(
                        "instances: 2, definitions: 1",
                        "instances: 0, definitions: 0",
                        "types on 0000:17:00.0: 3 (still registered)")),
                new Script("05-sriov.jsh", List.of(
                        "backend before apply: SR-IOV vendor VFIO: 0 of 32 VFs enabled",
                        "change: enable 32 SR-IOV VF(s) of 32 (none enabled now)",
                        "assumed (not publicly known)",
                        "backend after apply: SR-IOV vendor VFIO: 32 of 32 VFs enabled, 32 free, 0 assigned",
                        "nvidia-532 on VF 0000:17:00.4",
                        "<hostdev mode='subsystem' type='pci' managed='no'>",
                        " -device vfio-pci,host=0000:17:00.4",
                        "opened 0000:17:00.4: guest sees 10de:20b0",
                        "remove while open: refused",
                        "removed; VFs free: 32",
                        " 0000:17:00.0 nvidia-532 \"Open vAmpere/8\" owner=vm-7 auto",
                        " sriov 0000:17:00.0 vf=0000:17:00.4 started",
                        "again: ACTIVE",
                        "after disable: SR-IOV vendor VFIO: 0 of 32 VFs enabled")));
    }

    @ParameterizedTest
    @MethodSource("scripts")
    void runsAndPrintsItsKeyLines(Script script) throws Exception {
        Path samples = CliRun.repo("samples").toAbsolutePath().normalize();
        Run run = jshell(List.of("-R-Dmdevgpu.samples=" + samples, "--startup", "DEFAULT",
                "--startup", samples.resolve("jshell/startup.jsh").toString(),
                samples.resolve("jshell").resolve(script.name()).toString()), null);
        assertFalse(run.stderr.contains("Exception") || run.stderr.contains("Error:"), run.all());
        assertTrue(run.stdout.startsWith("mdevgpu: host = simulated host (default)"), run.all());
        for (String line : script.expected()) {
            assertTrue(run.stdout.contains(line), "\"" + line + "\" in\n" + run.all());
        }
    }

    /**
     * The README's example ("The API in JShell"), typed into a plain jshell line by line as a user pastes it, with
     * the library's jars on the class path and nothing else: every snippet is accepted, values print (the config
     * header in hex), and the BAR1 write is read back.
     */
    @Test
    void theReadmeExampleRunsAsPasted() throws Exception {
        String readme = Files.readString(CliRun.repo("README.md"));
        int section = readme.indexOf("## The API in JShell");
        int start = readme.indexOf("```java\n", section) + "```java\n".length();
        String example = readme.substring(start, readme.indexOf("```\n", start));
        assertTrue(section > 0 && example.contains("MdevHost.simulated"), example);

        Run run = jshell(List.of("--feedback", "normal"), example + "/exit\n");
        for (String bad : List.of("|  Error", "Exception", "cannot find symbol")) {
            assertFalse(run.stdout.contains(bad) || run.stderr.contains(bad), bad + " in\n" + run.all());
        }
        for (String line : List.of("host ==> simulated host", "plan ==> Plan for", "000: de 10",
                "bar1 ==> ", "==> 42\n")) {
            assertTrue(run.stdout.contains(line), "\"" + line + "\" in\n" + run.all());
        }
    }

    private record Run(String stdout, String stderr) {
        String all() {
            return "--- stdout\n" + stdout + "--- stderr\n" + stderr;
        }
    }

    /** The JDK's jshell with this test's class path and native access; {@code input} on its stdin (null: none). */
    private static Run jshell(List<String> arguments, String input) throws Exception {
        Path jshell = Path.of(System.getProperty("java.home"), "bin", "jshell");
        List<String> command = new ArrayList<>(List.of(jshell.toString(), "-R--enable-native-access=ALL-UNNAMED",
                "-R-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", "--class-path", System.getProperty("java.class.path")));
        command.addAll(arguments);
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().remove("MDEVGPU_HOST");
        Path in = Files.writeString(Files.createTempFile("jshell-in", ".txt"), input == null ? "" : input);
        Path out = Files.createTempFile("jshell-out", ".txt"), err = Files.createTempFile("jshell-err", ".txt");
        pb.redirectOutput(out.toFile()).redirectError(err.toFile()).redirectInput(in.toFile());
        try {
            Process p = pb.start();
            assertTrue(p.waitFor(180, TimeUnit.SECONDS), command + " did not end (does it end with /exit?)");
            Run run = new Run(Files.readString(out), Files.readString(err));
            assertEquals(0, p.exitValue(), run.all());
            return run;
        } finally {
            Files.delete(in);
            Files.delete(out);
            Files.delete(err);
        }
    }
}
