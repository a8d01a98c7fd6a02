package io.mdevgpu.kernel.vfio;

import static io.mdevgpu.kernel.abi.vfio.VfioConstants.*;
import static io.mdevgpu.kernel.abi.vfio.VfioIoctls.VFIO_DEVICE_SET_IRQS;
import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;
import java.util.Arrays;
import java.util.Objects;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.mdevgpu.Errno;
import io.mdevgpu.KernelException;
import io.mdevgpu.ValidationException;
import io.mdevgpu.kernel.abi.vfio.vfio_irq_set;
import io.mdevgpu.kernel.sys.ErrnoCapture;
import io.mdevgpu.kernel.sys.Syscalls;

/**
 * The eventfds bound to the vectors of one IRQ index of a {@link VfioDevice}: the kernel (or the simulated one)
 * signals vector {@code i} by adding to {@link #eventfd(int) eventfd i}. Owns the eventfds and one {@link Arena}:
 * closing disables the index ({@code DATA_NONE | ACTION_TRIGGER}, start 0, count 0: the one form every kernel
 * reads as "disable"; 6.12's mtty refuses any other count with EINVAL) and closes them.
 *
 * <p>What each request means to the kernels tested (6.1 and 6.12 with the sample driver mtty, and vfio-pci):
 * <ul>
 * <li>{@link #trigger} sends {@code DATA_BOOL | ACTION_TRIGGER} with {@code true} for one vector: vfio-pci and
 *     6.12's mtty signal the vector as if the device had raised it; 6.1's mtty accepts it and does nothing. Never
 *     {@code DATA_NONE} with count 1: 6.1's mtty reads {@code DATA_NONE} as "disable" whatever the count and drops
 *     its reference to the eventfd, which the disable at close would then drop a second time.</li>
 * <li>INTx is automasked where {@link VfioIrqInfo#automasked()} says so (vfio-pci, 6.12's mtty): after it fires,
 *     the driver holds further interrupts back until {@link #unmask}. 6.1's mtty never masks.</li>
 * </ul>
 *
 * <p>Eventfds are real in both worlds, so they are made and read with {@link Syscalls} directly.
 */
public final class VfioInterrupts implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(VfioInterrupts.class);
    private static final VarHandle POLL_FD = Syscalls.POLLFD.varHandle(groupElement("fd"));
    private static final VarHandle POLL_EVENTS = Syscalls.POLLFD.varHandle(groupElement("events"));

    private final VfioDevice device;
    private final VfioIrqInfo irq;
    private final int[] eventfds;
    private final Arena arena;
    private final ErrnoCapture errno;
    private final MemorySegment counter;
    private final MemorySegment pollfd;
    /** {@code vfio_irq_set} without data, for disable and unmask. */
    private final MemorySegment noData;
    /** {@code vfio_irq_set} with one bool, for trigger. */
    private final MemorySegment oneBool;
    private boolean closed;

    private VfioInterrupts(VfioDevice device, VfioIrqInfo irq, int[] eventfds, Arena arena, ErrnoCapture errno) {
        this.device = device;
        this.irq = irq;
        this.eventfds = eventfds;
        this.arena = arena;
        this.errno = errno;
        this.counter = arena.allocate(JAVA_LONG);
        this.pollfd = arena.allocate(Syscalls.POLLFD);
        this.noData = vfio_irq_set.allocate(arena);
        this.oneBool = arena.allocate(vfio_irq_set.sizeof() + 1, InfoReply.ALIGNMENT);
    }

    static VfioInterrupts enable(VfioDevice device, VfioIrqInfo irq, int count) {
        Arena arena = Arena.ofShared();
        ErrnoCapture errno = new ErrnoCapture(arena);
        int[] fds = new int[count];
        Arrays.fill(fds, -1);
        try {
            for (int i = 0; i < count; i++) {
                fds[i] = Syscalls.eventfd(errno, 0, Syscalls.EFD_CLOEXEC | Syscalls.EFD_NONBLOCK);
                if (fds[i] < 0) throw KernelException.of("eventfd", "vector " + i + " of " + irq.name() + " of " + device.fd.target,
                        errno.toErrno(), null);
            }
            MemorySegment set = arena.allocate(vfio_irq_set.sizeof() + (long) Integer.BYTES * count, InfoReply.ALIGNMENT);
            vfio_irq_set.argsz(set, (int) set.byteSize());
            vfio_irq_set.flags(set, VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER);
            vfio_irq_set.index(set, irq.index());
            vfio_irq_set.start(set, 0);
            vfio_irq_set.count(set, count);
            MemorySegment data = vfio_irq_set.data(set);
            for (int i = 0; i < count; i++) data.setAtIndex(JAVA_INT, i, fds[i]);
            device.fd.ioctlOrThrow(VFIO_DEVICE_SET_IRQS, set, null);
            VfioInterrupts handle = new VfioInterrupts(device, irq, fds, arena, errno);
            LOG.debug("{}: {} vector(s) of {} on eventfds {}", device.fd.target, count, irq.name(), fds);
            return handle;
        } catch (RuntimeException e) {
            for (int fd : fds) Syscalls.closeQuietly(fd);
            arena.close();
            throw e;
        }
    }

    public VfioIrqInfo irq() {
        return irq;
    }

    public int count() {
        return eventfds.length;
    }

    /** The eventfd of vector {@code vector}, for an event loop of the caller's own. */
    public int eventfd(int vector) {
        return eventfds[Objects.checkIndex(vector, eventfds.length)];
    }

    /** How many times vector {@code vector} fired since the last call (0: not at all); does not block. */
    public long take(int vector) {
        requireOpen();
        long n = Syscalls.read(errno, eventfd(vector), counter, Long.BYTES);
        if (n == Long.BYTES) return counter.get(JAVA_LONG, 0);
        if (n < 0 && errno.errno() == Errno.EAGAIN.number()) return 0;
        throw KernelException.of("read eventfd", "vector " + vector + " of " + irq.name() + " of " + device.fd.target,
                n < 0 ? errno.toErrno() : Errno.EIO, null);
    }

    /** Waits up to {@code timeoutMillis} for vector {@code vector} to fire; true when it has (the count stays to {@link #take}). */
    public boolean await(int vector, int timeoutMillis) {
        requireOpen();
        POLL_FD.set(pollfd, 0L, eventfd(vector));
        POLL_EVENTS.set(pollfd, 0L, Syscalls.POLLIN);
        int r = Syscalls.poll(errno, pollfd, 1, timeoutMillis);
        if (r < 0 && errno.errno() != Errno.EINTR.number()) {
            throw KernelException.of("poll eventfd", "vector " + vector + " of " + irq.name() + " of " + device.fd.target,
                    errno.toErrno(), null);
        }
        return r > 0;
    }

    /**
     * Asks the driver to signal vector {@code vector} as if the device had raised it ({@code DATA_BOOL |
     * ACTION_TRIGGER}, one {@code true}): a loopback test of the signalling path. Drivers that do not implement it
     * (6.1's mtty) accept the request and signal nothing, so wait for it with a timeout. An automasked INTx
     * that fired stays masked until {@link #unmask}.
     */
    public void trigger(int vector) {
        requireOpen();
        oneBool.fill((byte) 0);
        vfio_irq_set.argsz(oneBool, (int) vfio_irq_set.sizeof() + 1);
        vfio_irq_set.flags(oneBool, VFIO_IRQ_SET_DATA_BOOL | VFIO_IRQ_SET_ACTION_TRIGGER);
        vfio_irq_set.index(oneBool, irq.index());
        vfio_irq_set.start(oneBool, Objects.checkIndex(vector, eventfds.length));
        vfio_irq_set.count(oneBool, 1);
        vfio_irq_set.data(oneBool).set(JAVA_BYTE, 0, (byte) 1);
        device.fd.ioctlOrThrow(VFIO_DEVICE_SET_IRQS, oneBool, null);
    }

    /**
     * Lets a masked vector fire again ({@code DATA_NONE | ACTION_UNMASK}): after an automasked INTx fired, the
     * driver signals nothing more until this (a guest's end-of-interrupt). Only for maskable indexes.
     */
    public void unmask(int vector) {
        requireOpen();
        if (!irq.maskable()) {
            throw new ValidationException("unmask of " + irq.name() + " of " + device.fd.target, irq.toString(),
                    "a maskable IRQ index (INTx)");
        }
        setNoData(VFIO_IRQ_SET_ACTION_UNMASK, Objects.checkIndex(vector, eventfds.length), 1);
    }

    private void setNoData(int action, int start, int count) {
        noData.fill((byte) 0);
        vfio_irq_set.argsz(noData, (int) vfio_irq_set.sizeof());
        vfio_irq_set.flags(noData, VFIO_IRQ_SET_DATA_NONE | action);
        vfio_irq_set.index(noData, irq.index());
        vfio_irq_set.start(noData, start);
        vfio_irq_set.count(noData, count);
        device.fd.ioctlOrThrow(VFIO_DEVICE_SET_IRQS, noData, null);
    }

    private void requireOpen() {
        if (closed) throw new IllegalStateException(irq.name() + " interrupts of " + device.fd.target + " are closed");
    }

    public boolean isOpen() {
        return !closed;
    }

    /** Disables the IRQ index, then closes the eventfds. */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        Closer closer = new Closer();
        if (device.isOpen()) closer.run(() -> setNoData(VFIO_IRQ_SET_ACTION_TRIGGER, 0, 0));
        for (int i = 0; i < eventfds.length; i++) {
            int e = Syscalls.closeQuietly(eventfds[i]);
            if (e != 0) closer.add(KernelException.of("close eventfd", "vector " + i + " of " + irq.name(), Errno.of(e), null));
        }
        closer.run(arena::close);
        device.closed(this);
        closer.finish();
    }

    @Override
    public String toString() {
        return irq.name() + " of " + device.fd.target + " on eventfds " + Arrays.toString(eventfds) + (closed ? " (closed)" : "");
    }
}
