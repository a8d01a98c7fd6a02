package io.mdevgpu.kernel.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A JVM of its own on this test's class path, for what one process cannot show: a second process on the same host,
 * a JVM started without native access or with Native Memory Tracking, a CLI command as a shell runs it.
 */
public final class TestJvm {
    private TestJvm() {
    }

    /** {@code java OPTIONS -cp <this class path> MAIN ARGS}, with this JVM's own {@code java}. */
    public static List<String> command(Class<?> main, List<String> options, String... args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(options);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), main.getName()));
        command.addAll(List.of(args));
        return command;
    }

    /** What a run printed, stdout and stderr together, and how it exited. */
    public record Result(int exitCode, String output) {
    }

    /**
     * Runs {@link #command} to its end (at most {@code timeoutSeconds}, then it is killed and an
     * {@link AssertionError} says so with what it printed).
     */
    public static Result run(Class<?> main, List<String> options, long timeoutSeconds, String... args) {
        try {
            Process p = new ProcessBuilder(command(main, options, args)).redirectErrorStream(true).start();
            String output = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError(main.getSimpleName() + " did not end within " + timeoutSeconds + " s:\n" + output);
            }
            return new Result(p.exitValue(), output);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while " + main.getSimpleName() + " ran", e);
        }
    }
}
