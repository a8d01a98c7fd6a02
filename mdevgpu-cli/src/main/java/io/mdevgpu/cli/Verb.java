package io.mdevgpu.cli;

/** A verb made from its command line ({@link Args}): runs once and returns the exit code. */
interface Verb {
    int run(Invocation invocation);
}
