package io.mdevgpu.kernel.vfio;

import static io.mdevgpu.kernel.abi.vfio.VfioConstants.*;
import static io.mdevgpu.kernel.abi.vfio.VfioIoctls.*;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.mdevgpu.Errno;
import io.mdevgpu.HostStateException;
import io.mdevgpu.KernelException;
import io.mdevgpu.ValidationException;
import io.mdevgpu.kernel.abi.vfio.vfio_group_status;
import io.mdevgpu.kernel.sys.ErrnoCapture;

/**
 * An open IOMMU group ({@code /dev/vfio/N}) in a {@link VfioContainer}. Owns the device fds opened through it:
 * closing it closes them, then takes the group out of the container ({@code VFIO_GROUP_UNSET_CONTAINER}), then
 * closes the group fd.
 */
public final class VfioGroup extends FdOwner {
    private static final Logger LOG = LoggerFactory.getLogger(VfioGroup.class);
    /** Device names are UUIDs (36), PCI addresses (12) or platform names; the kernel compares strings. */
    private static final int MAX_NAME = 255;

    private final VfioContainer container;
    private final int number;
    /** Copy-on-write: a device closed from another thread leaves it while this group is in use. */
    private final List<VfioDevice> devices = new CopyOnWriteArrayList<>();

    private VfioGroup(VfioContainer container, int number, Arena arena, KernelFd fd) {
        super(arena, fd);
        this.container = container;
        this.number = number;
    }

    static VfioGroup open(VfioContainer container, int number) {
        VfioKernel kernel = container.kernel();
        String node = Integer.toString(number);
        String path = kernel.path(node);
        Arena arena = Arena.ofShared();
        try {
            ErrnoCapture errno = new ErrnoCapture(arena);
            int r = kernel.open(errno, node);
            if (r < 0) {
                throw KernelException.of("open VFIO group", path, Errno.of(-r), switch (-r) {
                    case 16 -> "the group is open already, in this process or another (a VM?): close it there first;"
                            + " fuser -v " + path + " names the holder";
                    case 2, 19, 6 -> "no IOMMU group " + number + ": see /sys/kernel/iommu_groups; an mdev's group is"
                            + " behind its iommu_group link (needs the vfio_mdev module)";
                    case 1, 13 -> "open it as root, or give this user access to " + path;
                    default -> null;
                });
            }
            KernelFd fd = new KernelFd(kernel, errno, r, path);
            boolean inContainer = false;
            try {
                MemorySegment status = vfio_group_status.allocate(arena);
                vfio_group_status.argsz(status, (int) vfio_group_status.sizeof());
                fd.ioctlOrThrow(VFIO_GROUP_GET_STATUS, status, null);
                if ((vfio_group_status.flags(status) & VFIO_GROUP_FLAGS_VIABLE) == 0) {
                    throw notViable(kernel, number, path);
                }
                MemorySegment containerFd = arena.allocateFrom(JAVA_INT, container.fd.fd);
                fd.ioctlOrThrow(VFIO_GROUP_SET_CONTAINER, containerFd, null);
                inContainer = true;
                VfioGroup group = new VfioGroup(container, number, arena, fd);
                container.joined(group);
                LOG.debug("opened VFIO group {} in {}", fd, container.path());
                return group;
            } catch (RuntimeException e) {
                if (inContainer) e = suppress(e, () -> fd.ioctlOrThrow(VFIO_GROUP_UNSET_CONTAINER, 0L, null));
                KernelException c = fd.close();
                if (c != null) e.addSuppressed(c);
                throw e;
            }
        } catch (RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    private static RuntimeException suppress(RuntimeException e, Runnable cleanup) {
        try {
            cleanup.run();
        } catch (RuntimeException c) {
            e.addSuppressed(c);
        }
        return e;
    }

    private static HostStateException notViable(VfioKernel kernel, int number, String path) {
        List<IommuGroupMember> members = kernel.iommuGroupDevices(number);
        String names = members.isEmpty() ? "its devices could not be listed"
                : "its devices: " + members.stream().map(IommuGroupMember::toString).collect(Collectors.joining(", "));
        return new HostStateException("open VFIO group", path, "the group is not viable (" + names + ")",
                "every device of IOMMU group " + number + " must be bound to a VFIO driver or to none: unbind the"
                        + " others (echo ADDRESS > /sys/bus/pci/devices/ADDRESS/driver/unbind)", null);
    }

    /** The IOMMU group number, N of {@code /dev/vfio/N}. */
    public int number() {
        return number;
    }

    public String path() {
        return fd.target;
    }

    public VfioContainer container() {
        return container;
    }

    /**
     * {@code VFIO_GROUP_GET_DEVICE_FD}: opens the group's device {@code name} (an mdev's lower-case UUID, a PCI
     * address) and reads its {@link VfioDeviceInfo}.
     *
     * @throws io.mdevgpu.NoSuchDeviceException the group has no such device (ENODEV)
     */
    public VfioDevice openDevice(String name) {
        if (name == null || name.isEmpty() || name.length() > MAX_NAME || name.chars().anyMatch(c -> c < 0x21 || c > 0x7e)) {
            throw new ValidationException("VFIO device name", name,
                    "the device's name in its group: an mdev's UUID or a PCI address (printable ASCII, no spaces)");
        }
        if (!tryEnter()) throw closed("open device " + name);
        try {
            VfioDevice device = VfioDevice.open(this, name);
            devices.add(device);
            return device;
        } finally {
            exit();
        }
    }

    /** Device fds are opened with the group's fd; errors name the group. */
    int getDeviceFd(MemorySegment cName, String name) {
        int r = fd.ioctl(VFIO_GROUP_GET_DEVICE_FD, cName);
        if (r < 0) {
            throw fd.failure(VFIO_GROUP_GET_DEVICE_FD, -r, switch (-r) {
                case 19 -> "IOMMU group " + number + " has no device " + name + " (mdev names are lower-case UUIDs)";
                case 16 -> "device " + name + " is open already";
                default -> null;
            });
        }
        return r;
    }

    void closed(VfioDevice device) {
        devices.remove(device);
    }

    /** The open devices, in the order they were opened. */
    public List<VfioDevice> devices() {
        return List.copyOf(devices);
    }

    /** Closes the devices, takes the group out of its container, closes the group fd. */
    @Override
    public void close() {
        release();
    }

    @Override
    String kind() {
        return "group";
    }

    @Override
    void beforeClose(Closer closer) {
        for (VfioDevice d : List.copyOf(devices).reversed()) closer.run(d::release);
        closer.run(() -> fd.ioctlOrThrow(VFIO_GROUP_UNSET_CONTAINER, 0L, null));
    }

    @Override
    void afterClose() {
        container.left(this);
    }

    @Override
    public String toString() {
        return "VfioGroup[" + number + ", " + fd + (!isOpen() ? ", closed" : ", devices " + devices.stream().map(VfioDevice::name).toList()) + "]";
    }
}
