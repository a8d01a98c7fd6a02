package io.mdevgpu;

import java.time.Duration;

/** Eventfds wired to an IRQ's vectors; owns them. */
public interface IrqEventFds extends AutoCloseable {
    int index();

    int count();

    /** Waits up to {@code timeout} for vector {@code vector} to fire; returns the count read (0 on timeout). */
    long await(int vector, Duration timeout);

    @Override
    void close();
}
