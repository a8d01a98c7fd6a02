package io.mdevgpu.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code mdevgpu}: the operator's command. Exit codes: 0 ok, 1 failed (host unchanged), 2 bad input,
 * 3 plan does not fit.
 */
@Command(name = "mdevgpu", mixinStandardHelpOptions = true, version = "mdevgpu 0.1.0",
        description = "Carve GPUs into user-defined VFIO-mdev types and manage their instances.",
        subcommands = {CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    public static final int OK = 0, FAILED = 1, BAD_INPUT = 2, DOES_NOT_FIT = 3;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line and returns the exit code (tests call this). */
    public static int run(String... args) {
        return new CommandLine(new Main()).execute(args);
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
