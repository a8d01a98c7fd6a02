package io.mdevgpu.sim;

import static io.mdevgpu.kernel.abi.vfio.VfioConstants.*;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import io.mdevgpu.Errno;
import io.mdevgpu.kernel.abi.vfio.vfio_irq_info;
import io.mdevgpu.kernel.abi.vfio.vfio_irq_set;
import io.mdevgpu.kernel.sys.ErrnoCapture;
import io.mdevgpu.kernel.sys.Syscalls;
import io.mdevgpu.kernel.vfio.VfioIrqInfo;
import io.mdevgpu.sim.SimVfioKernel.Device;

/**
 * The simulated VFIO's interrupts: a device's {@code GET_IRQ_INFO} and {@code SET_IRQS} with the rules the real
 * kernel was seen to follow (see {@link SimVfioKernel}), the eventfd signal a fired vector sends, and the decoded
 * record of every {@code SET_IRQS} while the faults record. Guarded by the simulated kernel's lock.
 */
final class VfioIrqRules {
    private final Faults faults;
    private final Supplier<ErrnoCapture> errno;
    private final Supplier<Arena> arena;
    private MemorySegment one;
    final List<String> irqSets = new ArrayList<>();

    VfioIrqRules(Faults faults, Supplier<ErrnoCapture> errno, Supplier<Arena> arena) {
        this.faults = faults;
        this.errno = errno;
        this.arena = arena;
    }

    /** Signals the eventfd {@code fd} once. */
    void signal(int fd) {
        if (one == null) one = arena.get().allocate(JAVA_LONG);
        one.set(JAVA_LONG, 0, 1L);
        Syscalls.write(errno.get(), fd, one, 8);
    }

    /** VFIO_DEVICE_GET_IRQ_INFO: EINVAL until GET_INFO was asked (K11). */
    static int irqInfo(Device d, MemorySegment arg) {
        int index = vfio_irq_info.index(arg);
        if (!d.infoAsked || index < 0 || index >= d.irqs.size()) return -Errno.EINVAL.number();
        vfio_irq_info.flags(arg, d.irqs.get(index)[0]);
        vfio_irq_info.count(arg, d.irqs.get(index)[1]);
        return 0;
    }

    /** VFIO_DEVICE_SET_IRQS as vfio-pci and 6.12's mtty answer it (see the class comment). */
    int setIrqs(Device d, MemorySegment arg) {
        long argsz = Integer.toUnsignedLong(vfio_irq_set.argsz(arg));
        if (argsz < vfio_irq_set.sizeof()) return -Errno.EINVAL.number();
        MemorySegment set = arg.byteSize() >= argsz ? arg : Syscalls.resize(arg, argsz, "ioctl"); // no allocation when it fits
        int flags = vfio_irq_set.flags(set), index = vfio_irq_set.index(set);
        int start = vfio_irq_set.start(set), count = vfio_irq_set.count(set);
        if (faults.isRecording()) {
            if (irqSets.size() == Faults.DEFAULT_RECORDING) irqSets.removeFirst(); // a long-lived host keeps the last ones
            irqSets.add(describe(set, argsz));
        }
        if (!d.infoAsked || index < 0 || index >= d.irqs.size()) return -Errno.EINVAL.number();
        int data = flags & VFIO_IRQ_SET_DATA_TYPE_MASK, action = flags & VFIO_IRQ_SET_ACTION_TYPE_MASK;
        if (Integer.bitCount(data) != 1 || Integer.bitCount(action) != 1
                || (flags & ~(VFIO_IRQ_SET_DATA_TYPE_MASK | VFIO_IRQ_SET_ACTION_TYPE_MASK)) != 0) {
            return -Errno.EINVAL.number();
        }
        int irqFlags = d.irqs.get(index)[0], vectors = d.irqs.get(index)[1];
        if (start < 0 || count < 0 || start >= vectors || (long) start + count > vectors) return -Errno.EINVAL.number();
        long dataSize = data == VFIO_IRQ_SET_DATA_BOOL ? count : data == VFIO_IRQ_SET_DATA_EVENTFD ? 4L * count : 0;
        if (argsz < vfio_irq_set.sizeof() + dataSize) return -Errno.EINVAL.number();
        boolean enabled = d.eventfds.containsKey(index);
        int bit = 1 << index;
        if (action != VFIO_IRQ_SET_ACTION_TRIGGER) {
            if ((irqFlags & VFIO_IRQ_INFO_MASKABLE) == 0 || data == VFIO_IRQ_SET_DATA_EVENTFD) return -Errno.ENOTTY.number();
            if (!enabled || start != 0 || count != 1) return -Errno.EINVAL.number();
            if (data == VFIO_IRQ_SET_DATA_BOOL && vfio_irq_set.data(set).get(JAVA_BYTE, 0) == 0) return 0;
            d.masked = action == VFIO_IRQ_SET_ACTION_MASK ? d.masked | bit : d.masked & ~bit;
            return 0;
        }
        if (data == VFIO_IRQ_SET_DATA_NONE && count == 0) { // K14: the disable
            if (!enabled) return -Errno.EINVAL.number();
            d.eventfds.remove(index);
            d.masked &= ~bit;
            return 0;
        }
        if (data == VFIO_IRQ_SET_DATA_EVENTFD) {
            if (!enabled && exclusive(index) && otherExclusiveEnabled(d, index)) return -Errno.EINVAL.number(); // K17
            int[] bound = d.eventfds.computeIfAbsent(index, i -> new int[vectors]);
            for (int i = 0; i < count; i++) {
                int fd = vfio_irq_set.data(set).getAtIndex(JAVA_INT, i);
                bound[start + i] = Math.max(fd, 0); // -1 unbinds the vector
            }
            return 0;
        }
        if (!enabled) return -Errno.EINVAL.number();
        for (int i = 0; i < count; i++) { // K14, K15: a loopback with DATA_NONE, or DATA_BOOL for each true byte
            if (data == VFIO_IRQ_SET_DATA_NONE || vfio_irq_set.data(set).get(JAVA_BYTE, i) != 0) d.fire(index, start + i);
        }
        return 0;
    }

    /** INTx, MSI and MSI-X: a PCI device has at most one of them enabled. */
    private static boolean exclusive(int index) {
        return index <= VFIO_PCI_MSIX_IRQ_INDEX;
    }

    private static boolean otherExclusiveEnabled(Device d, int index) {
        for (int other = 0; other <= VFIO_PCI_MSIX_IRQ_INDEX; other++) {
            if (other != index && d.eventfds.containsKey(other)) return true;
        }
        return false;
    }

    private static final String[] IRQ_SET_FLAGS = {"DATA_NONE", "DATA_BOOL", "DATA_EVENTFD", "ACTION_MASK",
            "ACTION_UNMASK", "ACTION_TRIGGER"};

    /** {@code "MSI DATA_BOOL|ACTION_TRIGGER start 1 count 1 data [1] argsz 21"}. */
    private static String describe(MemorySegment set, long argsz) {
        int flags = vfio_irq_set.flags(set), count = vfio_irq_set.count(set);
        StringBuilder text = new StringBuilder(new VfioIrqInfo(vfio_irq_set.index(set), 0, 0).name());
        String separator = " ";
        for (int bit = 0; bit < IRQ_SET_FLAGS.length; bit++) {
            if ((flags & 1 << bit) != 0) {
                text.append(separator).append(IRQ_SET_FLAGS[bit]);
                separator = "|";
            }
        }
        text.append(" start ").append(vfio_irq_set.start(set)).append(" count ").append(count);
        if ((flags & VFIO_IRQ_SET_DATA_BOOL) != 0) {
            List<Integer> bools = new ArrayList<>();
            for (long i = 0; i < Math.min(count, argsz - vfio_irq_set.sizeof()); i++) {
                bools.add((int) vfio_irq_set.data(set).get(JAVA_BYTE, i));
            }
            text.append(" data ").append(bools).append(" argsz ").append(argsz);
        }
        return text.toString();
    }
}
