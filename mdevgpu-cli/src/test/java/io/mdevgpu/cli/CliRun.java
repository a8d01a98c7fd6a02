package io.mdevgpu.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.function.Consumer;

import picocli.CommandLine;

/** Runs the CLI in-process and captures its exit code, stdout and stderr. */
record CliRun(int exitCode, String out, String err) {
    static CliRun of(String... args) {
        return of(cl -> { }, args);
    }

    /** As {@link #of(String...)}, after {@code setup} has seen the command line (to put a simulated host in). */
    static CliRun of(Consumer<CommandLine> setup, String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        CommandLine cl = Main.commandLine(new PrintWriter(out, true), new PrintWriter(err, true));
        setup.accept(cl);
        int code = cl.execute(args);
        return new CliRun(code, out.toString(), err.toString());
    }

    /** A path inside the repository (surefire sets mdevgpu.repo to its root). */
    static Path repo(String relative) {
        return Path.of(System.getProperty("mdevgpu.repo", "..")).resolve(relative);
    }
}
