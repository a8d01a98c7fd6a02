package io.mdevgpu.cli;

import java.io.PrintWriter;

import io.mdevgpu.ConfigException;
import io.mdevgpu.MdevException;
import io.mdevgpu.PlanException;
import io.mdevgpu.ValidationException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code mdevgpu}: the operator's command. Exit codes: 0 ok, 1 failed (host unchanged), 2 bad input,
 * 3 plan does not fit. Tables and JSON go to stdout; logs and errors to stderr.
 */
@Command(name = "mdevgpu", mixinStandardHelpOptions = true, version = "mdevgpu 0.1.0",
        description = "Carve GPUs into user-defined VFIO-mdev types and manage their instances.",
        subcommands = {PlanCommand.class, DriverCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    public static final int OK = 0, FAILED = 1, BAD_INPUT = 2, DOES_NOT_FIT = 3;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line and returns the exit code (tests call this). */
    public static int run(String... args) {
        return commandLine(new PrintWriter(System.out, true), new PrintWriter(System.err, true)).execute(args);
    }

    /** The command line with its output streams and the exception-to-exit-code mapping. */
    public static CommandLine commandLine(PrintWriter out, PrintWriter err) {
        CommandLine cl = new CommandLine(new Main());
        cl.setOut(out);
        cl.setErr(err);
        cl.setExitCodeExceptionMapper(Main::exitCode);
        cl.setParameterExceptionHandler((e, args) -> {
            err.println("mdevgpu: " + e.getMessage());
            e.getCommandLine().usage(err);
            return BAD_INPUT;
        });
        cl.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            err.println("mdevgpu: " + (e instanceof MdevException ? e.getMessage() : e.toString()));
            return exitCode(e);
        });
        return cl;
    }

    static int exitCode(Throwable e) {
        return switch (e) {
            case ConfigException c -> BAD_INPUT;
            case ValidationException v -> BAD_INPUT;
            case PlanException p -> DOES_NOT_FIT;
            default -> FAILED;
        };
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
