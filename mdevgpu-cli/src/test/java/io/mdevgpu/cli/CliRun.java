package io.mdevgpu.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;

/** Runs the CLI in-process and captures its exit code, stdout and stderr. */
record CliRun(int exitCode, String out, String err) {
    static CliRun of(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        int code = Main.commandLine(new PrintWriter(out, true), new PrintWriter(err, true)).execute(args);
        return new CliRun(code, out.toString(), err.toString());
    }

    /** A path inside the repository (surefire sets mdevgpu.repo to its root). */
    static Path repo(String relative) {
        return Path.of(System.getProperty("mdevgpu.repo", "..")).resolve(relative);
    }
}
