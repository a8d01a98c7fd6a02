package io.mdevgpu.kernel.sys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

import io.mdevgpu.NativeAccessException;
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
        TestJvm.Result run = TestJvm.run(Probe.class, options, 60, String.valueOf(restrictedFirst));
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

    /** Opens /dev/null through {@link Syscalls} twice and prints what happened; arg: make a restricted call first. */
    public static final class Probe {
        public static void main(String[] args) {
            System.out.println("enabled before: " + Syscalls.nativeAccessEnabled());
            if (Boolean.parseBoolean(args[0])) {
                MemorySegment.NULL.reinterpret(0); // the application's own restricted call, before the library's
            }
            System.out.println("open: " + openDevNull());
            System.out.println("again: " + openDevNull());
        }

        private static String openDevNull() {
            try {
                Syscalls.closeOrThrow(Syscalls.openOrThrow("/dev/null", Syscalls.O_RDONLY), "/dev/null");
                return "ok";
            } catch (NativeAccessException e) {
                if (!e.getMessage().contains("open /dev/null")) return "unnamed operation: " + e.getMessage();
                return "NativeAccessException " + e.flag();
            } catch (RuntimeException | Error e) {
                return "untyped " + e;
            }
        }
    }
}
