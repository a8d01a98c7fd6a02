package io.mdevgpu.kernel.vfio;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import io.mdevgpu.kernel.sys.ErrnoCapture;
import io.mdevgpu.kernel.sys.Syscalls;

/**
 * The real kernel's VFIO: {@link Syscalls} on {@code <dev>/vfio/*}, IOMMU groups from
 * {@code <sys>/kernel/iommu_groups}. Both roots are configurable, for tests on fake trees.
 */
public final class LinuxVfioKernel implements VfioKernel {
    private final Path devRoot;
    private final Path sysfsRoot;

    /** {@code /dev} and {@code /sys}. */
    public LinuxVfioKernel() {
        this(Path.of("/dev"), Path.of("/sys"));
    }

    public LinuxVfioKernel(Path devRoot, Path sysfsRoot) {
        this.devRoot = devRoot;
        this.sysfsRoot = sysfsRoot;
    }

    @Override
    public int open(ErrnoCapture e, String node) {
        Syscalls.requireNativeAccess("open " + path(node));
        try (Arena arena = Arena.ofConfined()) {
            int fd = Syscalls.open(e, arena.allocateFrom(path(node)), Syscalls.O_RDWR | Syscalls.O_CLOEXEC, 0);
            return fd < 0 ? -e.errno() : fd;
        }
    }

    @Override
    public String path(String node) {
        return devRoot.resolve("vfio").resolve(node).toString();
    }

    @Override
    public int close(ErrnoCapture e, int fd) {
        return Syscalls.close(e, fd) < 0 ? -e.errno() : 0;
    }

    @Override
    public int ioctl(ErrnoCapture e, int fd, long request, MemorySegment arg) {
        int r = Syscalls.ioctl(e, fd, request, arg);
        return r < 0 ? -e.errno() : r;
    }

    @Override
    public int ioctl(ErrnoCapture e, int fd, long request, long value) {
        int r = Syscalls.ioctl(e, fd, request, value);
        return r < 0 ? -e.errno() : r;
    }

    @Override
    public long pread(ErrnoCapture e, int fd, MemorySegment buf, long count, long offset) {
        long n = Syscalls.pread(e, fd, buf, count, offset);
        return n < 0 ? -e.errno() : n;
    }

    @Override
    public long pwrite(ErrnoCapture e, int fd, MemorySegment buf, long count, long offset) {
        long n = Syscalls.pwrite(e, fd, buf, count, offset);
        return n < 0 ? -e.errno() : n;
    }

    @Override
    public long mmap(ErrnoCapture e, int fd, long length, int prot, long offset) {
        long address = Syscalls.mmap(e, length, prot, Syscalls.MAP_SHARED, fd, offset);
        return address == Syscalls.MAP_FAILED ? -e.errno() : address;
    }

    @Override
    public int munmap(ErrnoCapture e, long address, long length) {
        return Syscalls.munmap(e, address, length) < 0 ? -e.errno() : 0;
    }

    @Override
    public List<IommuGroupMember> iommuGroupDevices(int group) {
        Path devices = sysfsRoot.resolve("kernel/iommu_groups").resolve(Integer.toString(group)).resolve("devices");
        List<IommuGroupMember> members = new ArrayList<>();
        try (Stream<Path> entries = Files.list(devices)) {
            for (Path device : entries.sorted(Comparator.comparing(Path::toString)).toList()) {
                Path driver = device.resolve("driver");
                Optional<String> name = Files.isSymbolicLink(driver)
                        ? Optional.of(Files.readSymbolicLink(driver).getFileName().toString())
                        : Optional.empty();
                members.add(new IommuGroupMember(device.getFileName().toString(), name));
            }
        } catch (IOException gone) {
            return List.of(); // only ever asked to explain an error: no group, no names
        }
        return List.copyOf(members);
    }

    @Override
    public String toString() {
        return "LinuxVfioKernel[" + path(CONTAINER) + ", " + sysfsRoot.resolve("kernel/iommu_groups") + "]";
    }
}
