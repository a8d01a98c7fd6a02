package io.mdevgpu;

import java.time.Duration;

/**
 * Eventfds wired to an IRQ's vectors; owns them.
 *
 * <p>Confined like its {@link VfioDevice}: one thread at a time, except that a close of the device from another
 * thread ends an {@link #await} in flight, which then throws {@link KernelException} with {@link Errno#EBADF}.
 */
public interface IrqEventFds extends AutoCloseable {
    int index();

    int count();

    /** Waits up to {@code timeout} for vector {@code vector} to fire; returns the count read (0 on timeout). */
    long await(int vector, Duration timeout);

    @Override
    void close();
}
