package io.mdevgpu.kernel.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import org.junit.jupiter.api.Assumptions;

/**
 * What a test needs from the machine it runs on. Where something is missing the test is skipped on a
 * developer's machine; under {@code CI=true} (where {@code run-tests} installs everything) the absence fails the
 * test instead, naming what is missing and the apt package that brings it, so a CI run never passes by skipping.
 */
public final class Required {
    private Required() {
    }

    /** Whether this JVM runs under CI ({@code CI=true}, as run-tests and CI services set it). */
    public static boolean underCi() {
        return "true".equalsIgnoreCase(System.getenv("CI"));
    }

    /** {@code command} on the PATH, if any. */
    public static Optional<Path> onPath(String command) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
            Path p = Path.of(dir.isEmpty() ? "." : dir, command);
            if (Files.isExecutable(p)) return Optional.of(p);
        }
        return Optional.empty();
    }

    /**
     * {@code command} on the PATH; where it is not, the test is skipped (or, under CI, fails) with a message
     * that says to install {@code aptPackage}.
     */
    public static Path tool(String command, String aptPackage) {
        Optional<Path> found = onPath(command);
        that(found.isPresent(), command + " is not installed (apt-get install " + aptPackage + ")");
        return found.orElseThrow();
    }

    /** Skips the test when {@code condition} is false, or fails it under CI; {@code missing} says what and how to fix it. */
    public static void that(boolean condition, String missing) {
        check(condition, underCi(), missing);
    }

    static void check(boolean condition, boolean ci, String missing) {
        if (condition) return;
        if (ci) throw new AssertionError("CI=true and a test's requirement is missing: " + missing);
        Assumptions.abort(missing);
    }
}
