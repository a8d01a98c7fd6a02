package io.mdevgpu.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

import io.mdevgpu.MdevHost;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** A verb that works on the host {@code --host} names: opens it, runs, closes it, and returns the exit code. */
abstract class HostCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Spec
    CommandSpec spec;

    /** Runs the verb on an open host; prints text or, with {@code json}, one JSON document to {@code out}. */
    abstract int run(MdevHost host, PrintWriter out, boolean json);

    @Override
    public final Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        try (MdevHost host = main.openHost()) {
            return run(host, out, main.json());
        } finally {
            out.flush();
        }
    }
}
