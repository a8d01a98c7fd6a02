package io.mdevgpu.cli;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.mdevgpu.kernel.testing.Repository;

/**
 * One of the repository's shell scripts ({@code packaging/bin/mdevgpu}, {@code packaging/make-runtime.sh}) run with
 * {@code sh} as a test wants it: none of the variables that steer the launcher inherited from the build's environment
 * (a training mode or a JVM option there would change what the script does), only the ones the test gives.
 */
final class LauncherScript {
    /** Every variable the launchers read, and the JVM options the java launcher reads from the environment. */
    private static final List<String> STEERING = List.of("MDEVGPU_AOT_CACHE", "MDEVGPU_AOT_OUTPUT",
            "MDEVGPU_FORMS_OUTPUT", "MDEVGPU_HOST", "MDEVGPU_JAVA", "MDEVGPU_LIB", "MDEVGPU_LOG", "MDEVGPU_MODULE_PATH",
            "JDK_JAVA_OPTIONS", "JAVA_TOOL_OPTIONS");

    private LauncherScript() {
    }

    /** How a run ended: its exit status and what it printed, stdout and stderr together. */
    record Result(int status, String output) {
    }

    /** Runs {@code sh <script> args...} in the repository's copy of {@code script}, with {@code env} set. */
    static Result run(String script, Map<String, String> env, List<String> args)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("sh", Repository.path(script).toString()));
        command.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        STEERING.forEach(pb.environment()::remove);
        pb.environment().putAll(env);
        Process p = pb.start();
        String output = new String(p.getInputStream().readAllBytes());
        return new Result(p.waitFor(), output);
    }
}
