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
 *
 * <p>Not thread-safe, except {@link #close()} (and the device's): a close from another thread wakes an
 * {@link #await} in flight, waits for the calls in flight, and every call after it (or racing it) throws
 * {@link KernelException} with {@code EBADF} naming the operation, the vector and the device.
 */
public final class VfioInterrupts implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(VfioInterrupts.class);
    private static final VarHandle POLL_FD = Syscalls.POLLFD.varHandle(groupElement("fd"));
    private static final VarHandle POLL_EVENTS = Syscalls.POLLFD.varHandle(groupElement("events"));
    private static final VarHandle POLL_REVENTS = Syscalls.POLLFD.varHandle(groupElement("revents"));

    private final VfioDevice device;
    private final VfioIrqInfo irq;
    private final int[] eventfds;
    /** An eventfd of our own that {@link #await} polls too: a close from another thread signals it. */
    private final int wake;
    private final Arena arena;
    private final ErrnoCapture errno;
    private final MemorySegment counter;
    /** 1, what the close writes to {@link #wake}. */
    private final MemorySegment one;
    private final MemorySegment pollfd;
    /** {@code vfio_irq_set} without data, for disable and unmask. */
    private final MemorySegment noData;
    /** {@code vfio_irq_set} with one bool, for trigger. */
    private final MemorySegment oneBool;
    private final AccessGate gate = new AccessGate();

    private VfioInterrupts(VfioDevice device, VfioIrqInfo irq, int[] eventfds, int wake, Arena arena, ErrnoCapture errno) {
        this.device = device;
        this.irq = irq;
        this.eventfds = eventfds;
        this.wake = wake;
        this.arena = arena;
        this.errno = errno;
        this.counter = arena.allocate(JAVA_LONG);
        this.one = arena.allocateFrom(JAVA_LONG, 1L);
        this.pollfd = arena.allocate(Syscalls.POLLFD, 2);
        POLL_FD.set(pollfd, Syscalls.POLLFD.byteSize(), wake);
        POLL_EVENTS.set(pollfd, Syscalls.POLLFD.byteSize(), Syscalls.POLLIN);
        this.noData = vfio_irq_set.allocate(arena);
        this.oneBool = arena.allocate(vfio_irq_set.sizeof() + 1, InfoReply.ALIGNMENT);
    }

    static VfioInterrupts enable(VfioDevice device, VfioIrqInfo irq, int count) {
        Arena arena = Arena.ofShared();
        ErrnoCapture errno = new ErrnoCapture(arena);
        int[] fds = new int[count];
        Arrays.fill(fds, -1);
        int wake = -1;
        try {
            for (int i = 0; i < count; i++) {
                fds[i] = Syscalls.eventfd(errno, 0, Syscalls.EFD_CLOEXEC | Syscalls.EFD_NONBLOCK);
                if (fds[i] < 0) throw KernelException.of("eventfd", "vector " + i + " of " + irq.name() + " of " + device.fd.target,
                        errno.toErrno(), null);
            }
            wake = Syscalls.eventfd(errno, 0, Syscalls.EFD_CLOEXEC | Syscalls.EFD_NONBLOCK);
            if (wake < 0) throw KernelException.of("eventfd", "the close signal of " + irq.name() + " of " + device.fd.target,
                    errno.toErrno(), null);
            MemorySegment set = arena.allocate(vfio_irq_set.sizeof() + (long) Integer.BYTES * count, InfoReply.ALIGNMENT);
            vfio_irq_set.argsz(set, (int) set.byteSize());
            vfio_irq_set.flags(set, VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER);
            vfio_irq_set.index(set, irq.index());
            vfio_irq_set.start(set, 0);
            vfio_irq_set.count(set, count);
            MemorySegment data = vfio_irq_set.data(set);
            for (int i = 0; i < count; i++) data.setAtIndex(JAVA_INT, i, fds[i]);
            device.fd.ioctlOrThrow(VFIO_DEVICE_SET_IRQS, set, null);
            VfioInterrupts handle = new VfioInterrupts(device, irq, fds, wake, arena, errno);
            LOG.debug("{}: {} vector(s) of {} on eventfds {}", device.fd.target, count, irq.name(), fds);
            return handle;
        } catch (RuntimeException e) {
            for (int fd : fds) Syscalls.closeQuietly(fd);
            Syscalls.closeQuietly(wake);
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

    /** The eventfd of vector {@code vector}, for an event loop of the caller's own; refused once closed. */
    public int eventfd(int vector) {
        int fd = vectorFd(vector);
        if (gate.isShut()) throw closed("eventfd", vector);
        return fd;
    }

    private int vectorFd(int vector) {
        return eventfds[Objects.checkIndex(vector, eventfds.length)];
    }

    /** How many times vector {@code vector} fired since the last call (0: not at all); does not block. */
    public long take(int vector) {
        int fd = vectorFd(vector);
        if (!gate.enter()) throw closed("read eventfd", vector);
        try {
            long n = Syscalls.read(errno, fd, counter, Long.BYTES);
            if (n == Long.BYTES) return counter.get(JAVA_LONG, 0);
            if (n < 0 && errno.errno() == Errno.EAGAIN.number()) return 0;
            throw KernelException.of("read eventfd", "vector " + vector + " of " + irq.name() + " of " + device.fd.target,
                    n < 0 ? errno.toErrno() : Errno.EIO, null);
        } finally {
            gate.exit();
        }
    }

    /**
     * Waits up to {@code timeoutMillis} for vector {@code vector} to fire; true when it has (the count stays to
     * {@link #take}). A close from another thread ends the wait: it throws the use-after-close error.
     */
    public boolean await(int vector, int timeoutMillis) {
        int fd = vectorFd(vector);
        if (!gate.enter()) throw closed("poll eventfd", vector);
        try {
            POLL_FD.set(pollfd, 0L, fd);
            POLL_EVENTS.set(pollfd, 0L, Syscalls.POLLIN);
            int r = Syscalls.poll(errno, pollfd, 2, timeoutMillis);
            if (r < 0 && errno.errno() != Errno.EINTR.number()) {
                throw KernelException.of("poll eventfd", "vector " + vector + " of " + irq.name() + " of " + device.fd.target,
                        errno.toErrno(), null);
            }
            if (gate.isShut()) throw closed("poll eventfd", vector);
            return r > 0 && ((short) POLL_REVENTS.get(pollfd, 0L) & Syscalls.POLLIN) != 0;
        } finally {
            gate.exit();
        }
    }

    /**
     * Asks the driver to signal vector {@code vector} as if the device had raised it ({@code DATA_BOOL |
     * ACTION_TRIGGER}, one {@code true}): a loopback test of the signalling path. Drivers that do not implement it
     * (6.1's mtty) accept the request and signal nothing, so wait for it with a timeout. An automasked INTx
     * that fired stays masked until {@link #unmask}.
     */
    public void trigger(int vector) {
        int start = Objects.checkIndex(vector, eventfds.length);
        if (!gate.enter()) throw closed("trigger", vector);
        try {
            oneBool.fill((byte) 0);
            vfio_irq_set.argsz(oneBool, (int) vfio_irq_set.sizeof() + 1);
            vfio_irq_set.flags(oneBool, VFIO_IRQ_SET_DATA_BOOL | VFIO_IRQ_SET_ACTION_TRIGGER);
            vfio_irq_set.index(oneBool, irq.index());
            vfio_irq_set.start(oneBool, start);
            vfio_irq_set.count(oneBool, 1);
            vfio_irq_set.data(oneBool).set(JAVA_BYTE, 0, (byte) 1);
            setIrqs(oneBool, "trigger", vector);
        } finally {
            gate.exit();
        }
    }

    /**
     * Lets a masked vector fire again ({@code DATA_NONE | ACTION_UNMASK}): after an automasked INTx fired, the
     * driver signals nothing more until this (a guest's end-of-interrupt). Only for maskable indexes.
     */
    public void unmask(int vector) {
        if (!irq.maskable()) {
            throw new ValidationException("unmask of " + irq.name() + " of " + device.fd.target, irq.toString(),
                    "a maskable IRQ index (INTx)");
        }
        int start = Objects.checkIndex(vector, eventfds.length);
        if (!gate.enter()) throw closed("unmask", vector);
        try {
            fillNoData(VFIO_IRQ_SET_ACTION_UNMASK, start, 1);
            setIrqs(noData, "unmask", vector);
        } finally {
            gate.exit();
        }
    }

    private void fillNoData(int action, int start, int count) {
        noData.fill((byte) 0);
        vfio_irq_set.argsz(noData, (int) vfio_irq_set.sizeof());
        vfio_irq_set.flags(noData, VFIO_IRQ_SET_DATA_NONE | action);
        vfio_irq_set.index(noData, irq.index());
        vfio_irq_set.start(noData, start);
        vfio_irq_set.count(noData, count);
    }

    /** {@code VFIO_DEVICE_SET_IRQS} on the device's fd, inside the device's gate: a closing device refuses it. */
    private void setIrqs(MemorySegment set, String operation, int vector) {
        if (!device.tryEnter()) throw closed(operation, vector);
        try {
            device.fd.ioctlOrThrow(VFIO_DEVICE_SET_IRQS, set, null);
        } finally {
            device.exit();
        }
    }

    /** The use-after-close error: {@code EBADF}, naming the operation, the vector and the device. */
    private KernelException closed(String operation, int vector) {
        return KernelException.of(operation, "vector " + vector + " of " + irq.name() + " of " + device.fd.target, Errno.EBADF,
                device.isOpen() ? "these interrupts were closed; enable them again"
                        : "the device was closed; open it again and enable its interrupts");
    }

    /** False once its close (or its device's) has begun. */
    public boolean isOpen() {
        return !gate.isShut();
    }

    /**
     * Disables the IRQ index, then closes the eventfds; idempotent. While its device is closing, the device's close
     * does this instead (this returns at once): the disable is an ioctl on the device's fd.
     */
    @Override
    public void close() {
        device.closeOwned(this::closeWithDevice);
    }

    /** The close itself: inside the device's gate, or in the device's own close (its fd still open). */
    void closeWithDevice() {
        if (!gate.shut()) return;
        Closer closer = new Closer();
        // wake an await in flight: a blocked poll would hold the close up to its timeout
        if (Syscalls.write(errno, wake, one, Long.BYTES) != Long.BYTES) {
            closer.add(KernelException.of("write eventfd", "the close signal of " + irq.name() + " of " + device.fd.target,
                    errno.toErrno(), null));
        }
        gate.awaitIdle();
        closer.run(() -> {
            fillNoData(VFIO_IRQ_SET_ACTION_TRIGGER, 0, 0);
            device.fd.ioctlOrThrow(VFIO_DEVICE_SET_IRQS, noData, null);
        });
        for (int i = 0; i < eventfds.length; i++) {
            int e = Syscalls.closeQuietly(eventfds[i]);
            if (e != 0) closer.add(KernelException.of("close eventfd", "vector " + i + " of " + irq.name(), Errno.of(e), null));
        }
        int e = Syscalls.closeQuietly(wake);
        if (e != 0) closer.add(KernelException.of("close eventfd", "the close signal of " + irq.name(), Errno.of(e), null));
        closer.run(arena::close);
        device.closed(this);
        closer.finish();
    }

    @Override
    public String toString() {
        return irq.name() + " of " + device.fd.target + " on eventfds " + Arrays.toString(eventfds) + (isOpen() ? "" : " (closed)");
    }
}
