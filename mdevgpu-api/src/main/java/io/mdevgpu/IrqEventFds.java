package io.mdevgpu;

import java.time.Duration;

/**
 * Eventfds wired to an IRQ's vectors; owns them.
 *
 * <p>Confined like its {@link VfioDevice}: one thread at a time, except that a close of the device from another
 * thread ends an {@link #await} in flight, which then throws {@link KernelException} with {@link Errno#EBADF}.
 */
public interface IrqEventFds extends AutoCloseable {
    /** {@return the IRQ index these vectors belong to: for vfio-pci INTx 0, MSI 1, MSI-X 2} */
    int index();

    /** {@return how many vectors are wired (vectors 0..count-1): the count {@link VfioDevice#enableIrq} was given} */
    int count();

    /**
     * Waits up to {@code timeout} for vector {@code vector} to fire, then reads (and so resets) its eventfd.
     *
     * @param vector  the vector, 0..{@link #count()} - 1
     * @param timeout how long to wait at most, to the millisecond; zero or negative only looks
     * @return how many times the vector fired since the last read; 0 when it did not within the timeout, or a signal
     *         ended the wait
     * @throws IndexOutOfBoundsException when {@code vector} is out of range
     * @throws KernelException           EBADF after the close of these eventfds or of the device (also for a wait
     *                                   in flight), or the errno of a failed {@code poll} or {@code read}
     */
    long await(int vector, Duration timeout);

    @Override
    void close();
}
