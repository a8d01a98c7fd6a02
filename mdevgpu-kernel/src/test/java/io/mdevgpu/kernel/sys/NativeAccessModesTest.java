package io.mdevgpu.kernel.sys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.mdevgpu.NativeAccessException;
import io.mdevgpu.kernel.testing.NativeAccessProbe;
import io.mdevgpu.kernel.testing.TestJvm;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Native access in a JVM of its own for each of the JDK's modes, with and without {@code --enable-native-access}:
 * the check is made at the first downcall, gives the same answer whatever ran before, and where the JDK denies,
 * the caller gets {@link NativeAccessException} naming the flag, at every attempt.
 */
class NativeAccessModesTest {
    private static final String FLAG = "--enable-native-access=ALL-UNNAMED";
    private static final String JDK_WARNING = "WARNING: A restricted method in java.lang.foreign.MemorySegment has been called";

    @ParameterizedTest(name = "--illegal-native-access={0}, enable-native-access {1}, restricted call first {2}")
    @CsvSource({
            // mode,  flag,  a restricted call of the test's own first, expected
            "default, true,  false, open: ok",
            "default, false, false, open: ok",
            "default, false, true,  open: ok",
            "allow,   true,  false, open: ok",
            "allow,   false, false, open: ok",
            "warn,    true,  false, open: ok",
            "warn,    false, false, open: ok",
            "warn,    false, true,  open: ok",
            "deny,    true,  false, open: ok",
            "deny,    false, false, open: NativeAccessException " + FLAG,
    })
    void eachModeGivesItsOwnAnswer(String mode, boolean flag, boolean restrictedFirst, String expected) {
        List<String> options = new ArrayList<>(List.of("-Xshare:auto", "-XX:TieredStopAtLevel=1"));
        if (!mode.equals("default")) options.add("--illegal-native-access=" + mode);
        if (flag) options.add(FLAG);
        TestJvm.Result run = TestJvm.run(NativeAccessProbe.class, options, 60, String.valueOf(restrictedFirst));
        String out = run.output();
        assertEquals(0, run.exitCode(), out);
        assertTrue(out.contains("enabled before: " + flag), out);
        assertTrue(out.contains(expected + "\n"), out);
        assertTrue(out.contains("again: " + expected.substring("open: ".length()) + "\n"), out);
        // the JDK warns, once, exactly where it lets an unflagged module through in warn mode
        boolean warns = !flag && !mode.equals("allow") && !mode.equals("deny");
        assertEquals(warns, out.contains("WARNING: A restricted method"), out);
        if (warns && !restrictedFirst) {
            assertTrue(out.contains(JDK_WARNING), out);
            assertTrue(out.contains("io.mdevgpu.kernel.sys.Syscalls"), out);
        }
    }

    /**
     * On the module path the flag names the kernel's module, {@code --enable-native-access=io.mdevgpu.kernel} (the
     * README's flag); without it, under deny, the exception names that module's flag, not ALL-UNNAMED.
     */
    @ParameterizedTest(name = "module path, enable-native-access {0}")
    @CsvSource({"true, open: ok", "false, open: NativeAccessException --enable-native-access=io.mdevgpu.kernel"})
    void onTheModulePathTheFlagNamesTheKernelModule(boolean flag, String expected) throws Exception {
        String modules = String.join(java.io.File.pathSeparator, location(Syscalls.class), location(NativeAccessException.class),
                location(org.slf4j.Logger.class));
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xshare:auto", "-XX:TieredStopAtLevel=1", "--illegal-native-access=deny"));
        if (flag) command.add("--enable-native-access=io.mdevgpu.kernel");
        // the export keeps the probe (on the class path) reaching Syscalls should the package's export be qualified
        command.addAll(List.of("--module-path", modules, "--add-modules", "io.mdevgpu.kernel",
                "--add-exports", "io.mdevgpu.kernel/io.mdevgpu.kernel.sys=ALL-UNNAMED",
                "-cp", location(NativeAccessProbe.class), NativeAccessProbe.class.getName(), "false"));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), out);
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("enabled before: " + flag), out);
        assertTrue(out.contains(expected + "\n"), out);
    }

    private static String location(Class<?> c) throws Exception {
        return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    }
}
