package io.mdevgpu.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.function.Consumer;
import java.util.function.Function;

import io.mdevgpu.HostSpec;
import io.mdevgpu.MdevHost;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Runs the CLI in-process and captures its exit code, stdout and stderr. */
record CliRun(int exitCode, String out, String err) {
    /** Runs over the hosts the engine opens. */
    static CliRun of(String... args) {
        return on(MdevHost::open, args);
    }

    /** Runs over {@code host} whatever {@code --host} says. */
    static CliRun on(MdevHost host, String... args) {
        return on(spec -> host, args);
    }

    static CliRun on(Function<HostSpec, MdevHost> opener, String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        int code = new Main(new PrintWriter(out, true), new PrintWriter(err, true), opener).execute(args);
        return new CliRun(code, out.toString(), err.toString());
    }

    /** As {@link #of(String...)}, after {@code setup} has seen the command (to put a simulated driver in). */
    static CliRun of(Consumer<Main> setup, String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        Main main = new Main(new PrintWriter(out, true), new PrintWriter(err, true), MdevHost::open);
        setup.accept(main);
        int code = main.execute(args);
        return new CliRun(code, out.toString(), err.toString());
    }

    /** stdout as JSON. */
    JsonNode json() {
        return JsonMapper.builder().build().readTree(out);
    }

    /** Everything the run printed, for failure messages. */
    String all() {
        return "exit " + exitCode + "\n--- stdout\n" + out + "--- stderr\n" + err;
    }

    /** A path inside the repository (surefire sets mdevgpu.repo to its root). */
    static Path repo(String relative) {
        return Path.of(System.getProperty("mdevgpu.repo", "..")).resolve(relative);
    }
}
