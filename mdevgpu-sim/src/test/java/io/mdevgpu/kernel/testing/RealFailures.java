package io.mdevgpu.kernel.testing;

import static io.mdevgpu.kernel.abi.nvrm.NvStatus.*;

import java.util.List;

import io.mdevgpu.Errno;
import io.mdevgpu.sim.Faults;
import io.mdevgpu.sim.Faults.Failure;

/**
 * The failures each port call can really meet, for the fault sweeps (issue 7: "with each errno or NV status that call
 * can really return"), by the call's recorded text. Sources: open(2), close(2), read(2), mmap(2), munmap(2); the
 * kernel's {@code drivers/vfio/vfio_main.c}, {@code group.c}, {@code container.c}, {@code vfio_iommu_type1.c} and
 * {@code drivers/vfio/mdev/mdev_sysfs.c} for the VFIO and mdev answers (harness/README.md's K facts where the QEMU
 * harness showed them); NVIDIA's {@code nv.c} escape handling (EINVAL for a wrong size, EFAULT for a bad copy, ENOMEM)
 * and the RM statuses its controls and allocations answer with.
 *
 * <p>Left out, with where they are tested instead: EAGAIN on an mdev remove (the library then waits up to 10 s for
 * another remover: {@code LinuxMdevBusTest.aRemoveThatStaysBusyFailsWithItsErrno}).
 */
public final class RealFailures {
    private RealFailures() {
    }

    /** The failures call {@code call} can really meet; at least one. */
    public static List<Failure> of(Faults.Call call) {
        String t = call.text();
        return switch (call.seam()) {
            case VFIO -> vfio(t);
            case MDEV -> mdev(t);
            case NVIDIA -> nvidia(t);
            case SRIOV -> sriov(t);
        };
    }

    /**
     * sysfs's answers for the SR-IOV files ({@code drivers/pci/iov.c}: a write to {@code sriov_numvfs} that the driver
     * refuses, or that races another, EBUSY; memory for the VFs, ENOMEM) and the VFs' {@code nvidia/} files (the
     * driver's EINVAL, EBUSY, ENODEV on {@code current_vgpu_type}); a read may meet EIO, or ENODEV once the VF is gone.
     */
    private static List<Failure> sriov(String t) {
        if (t.startsWith("write") && t.contains("sriov_numvfs")) return errnos(Errno.EBUSY, Errno.ENOMEM, Errno.EIO);
        if (t.startsWith("write")) return errnos(Errno.EINVAL, Errno.EBUSY, Errno.ENODEV);
        if (t.startsWith("set ")) return errnos(Errno.EBUSY, Errno.EIO);
        return errnos(Errno.EIO, Errno.ENODEV);
    }

    private static List<Failure> vfio(String t) {
        if (t.startsWith("open ") && t.endsWith("/vfio")) return errnos(Errno.ENOENT, Errno.EACCES, Errno.EMFILE);
        if (t.startsWith("open ")) return errnos(Errno.ENOENT, Errno.EACCES, Errno.EBUSY, Errno.EMFILE);
        if (t.startsWith("close ")) return errnos(Errno.EIO, Errno.EINTR);
        if (t.startsWith("mmap ")) return errnos(Errno.EINVAL, Errno.ENOMEM, Errno.EACCES);
        if (t.startsWith("munmap ")) return errnos(Errno.EINVAL);
        if (t.startsWith("pread ") || t.startsWith("pwrite ")) return errnos(Errno.EINVAL, Errno.EFAULT, Errno.EIO);
        if (t.contains("VFIO_GET_API_VERSION")) return errnos(Errno.ENOTTY);
        if (t.contains("VFIO_CHECK_EXTENSION")) return errnos(Errno.EINVAL);
        if (t.contains("VFIO_SET_IOMMU")) return errnos(Errno.EINVAL, Errno.ENODEV, Errno.EPERM);
        if (t.contains("VFIO_GROUP_GET_STATUS")) return errnos(Errno.EFAULT, Errno.EINVAL);
        if (t.contains("VFIO_GROUP_SET_CONTAINER")) return errnos(Errno.EINVAL, Errno.EPERM, Errno.EBADF);
        if (t.contains("VFIO_GROUP_UNSET_CONTAINER")) return errnos(Errno.EINVAL, Errno.EBUSY);
        if (t.contains("VFIO_GROUP_GET_DEVICE_FD")) return errnos(Errno.EINVAL, Errno.ENODEV, Errno.EMFILE, Errno.ENOMEM);
        if (t.contains("VFIO_DEVICE_GET_REGION_INFO")) return errnos(Errno.EINVAL, Errno.EFAULT, Errno.ENOMEM);
        if (t.contains("VFIO_DEVICE_SET_IRQS")) return errnos(Errno.EINVAL, Errno.EFAULT, Errno.ENOMEM, Errno.ENOTTY);
        if (t.contains("VFIO_DEVICE_")) return errnos(Errno.EINVAL, Errno.EFAULT); // GET_INFO, GET_IRQ_INFO, RESET
        return errnos(Errno.EIO);
    }

    private static List<Failure> mdev(String t) {
        if (t.startsWith("create ")) return errnos(Errno.EEXIST, Errno.ENOSPC, Errno.EINVAL, Errno.ENODEV, Errno.EACCES);
        if (t.startsWith("remove ")) return errnos(Errno.EINVAL, Errno.EACCES, Errno.ENODEV);
        return errnos(Errno.EIO);
    }

    private static List<Failure> nvidia(String t) {
        if (t.startsWith("OPEN ")) return errnos(Errno.ENOENT, Errno.EACCES, Errno.EIO);
        if (t.startsWith("CLOSE ")) return errnos(Errno.EIO, Errno.EINTR);
        if (t.startsWith("READ ")) return errnos(Errno.ENOENT, Errno.EACCES, Errno.EIO);
        if (t.startsWith("ALLOC NV01_ROOT")) {
            return List.of(status(NV_ERR_INSUFFICIENT_RESOURCES), status(NV_ERR_NO_MEMORY),
                    status(NV_ERR_INSUFFICIENT_PERMISSIONS), Failure.errno(Errno.EFAULT));
        }
        if (t.startsWith("ALLOC NVA081")) { // the vGPU config object: only a vGPU host driver has it
            return List.of(status(NV_ERR_NOT_SUPPORTED), status(NV_ERR_INVALID_CLASS), status(NV_ERR_NO_MEMORY),
                    Failure.errno(Errno.EFAULT));
        }
        if (t.startsWith("ALLOC ")) {
            return List.of(status(NV_ERR_NO_MEMORY), status(NV_ERR_INSUFFICIENT_RESOURCES), status(NV_ERR_INVALID_STATE),
                    status(NV_ERR_GPU_IS_LOST), Failure.errno(Errno.EFAULT));
        }
        if (t.startsWith("CONTROL GPU_SET_VGPU_HETEROGENEOUS_MODE")) { // device_ctrl.c's own answers, then any control's
            return List.of(status(NV_ERR_IN_USE), status(NV_ERR_NOT_SUPPORTED), status(NV_ERR_OBJECT_NOT_FOUND),
                    status(NV_ERR_INVALID_ARGUMENT), status(NV_ERR_GPU_IS_LOST), status(NV_ERR_BUSY_RETRY),
                    Failure.errno(Errno.EFAULT));
        }
        if (t.startsWith("CONTROL ")) {
            return List.of(status(NV_ERR_INVALID_ARGUMENT), status(NV_ERR_NOT_SUPPORTED), status(NV_ERR_INVALID_STATE),
                    status(NV_ERR_INSUFFICIENT_PERMISSIONS), status(NV_ERR_GPU_IS_LOST), status(NV_ERR_BUSY_RETRY),
                    Failure.errno(Errno.EFAULT));
        }
        if (t.startsWith("FREE ")) {
            return List.of(status(NV_ERR_INVALID_OBJECT_HANDLE), status(NV_ERR_OBJECT_NOT_FOUND), status(NV_ERR_INVALID_STATE),
                    Failure.errno(Errno.EFAULT));
        }
        // VERSION (the version string check) and CARD_INFO: the escape's own errnos
        return errnos(Errno.EINVAL, Errno.EFAULT, Errno.ENOMEM);
    }

    /** Whether the library is meant to absorb {@code f}: a status that asks for the call again. */
    public static boolean asksForARetry(Failure f) {
        return f.errno() == null && isRetry(f.nvStatus());
    }

    /** Whether {@code f} of {@code call} is a close's EINTR, after which Linux has released the fd all the same. */
    public static boolean closedAnyway(Faults.Call call, Failure f) {
        return Errno.EINTR.equals(f.errno()) && call.text().toLowerCase(java.util.Locale.ROOT).startsWith("close ");
    }

    private static Failure status(int nvStatus) {
        return Failure.status(nvStatus);
    }

    private static List<Failure> errnos(Errno... errnos) {
        return java.util.Arrays.stream(errnos).map(Failure::errno).toList();
    }
}
