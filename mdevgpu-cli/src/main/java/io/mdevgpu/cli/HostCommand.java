package io.mdevgpu.cli;

import java.io.PrintWriter;

import io.mdevgpu.MdevHost;

/** A verb that works on the host {@code --host} names: opens it, runs, closes it, and returns the exit code. */
abstract class HostCommand implements Verb {
    /** Runs the verb on an open host; prints text or, with {@code json}, one JSON document to {@code out}. */
    abstract int run(MdevHost host, PrintWriter out, boolean json);

    @Override
    public final int run(Invocation invocation) {
        try (MdevHost host = invocation.openHost()) {
            return run(host, invocation.out(), invocation.json());
        } finally {
            invocation.out().flush();
        }
    }
}
