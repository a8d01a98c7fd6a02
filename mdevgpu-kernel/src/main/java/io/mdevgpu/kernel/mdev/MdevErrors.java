package io.mdevgpu.kernel.mdev;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

import io.mdevgpu.Errno;
import io.mdevgpu.KernelException;
import io.mdevgpu.MdevException;
import io.mdevgpu.kernel.sysfs.SysfsLayout;
import io.mdevgpu.kernel.sysfs.SysfsReader;

/**
 * Turns the errno of a failed {@code create} or {@code remove} write into the operator's message: the parent,
 * type and UUID, and the fix. The exception type stays the one {@link KernelException#of} picks for the errno.
 * Facts for the fix (how many instances are left, which parents exist) are read from sysfs best effort: an
 * unreadable fact is left out, never a second error.
 */
final class MdevErrors {
    private MdevErrors() {
    }

    /** Whether a remove that failed with {@code errno} means the instance is no longer there. */
    static boolean meansGone(Errno errno) {
        return errno.equals(Errno.ENODEV) || errno.equals(Errno.ENOENT);
    }

    static KernelException createFailure(SysfsLayout layout, String parent, String typeId, UUID uuid,
                                         KernelException failure) {
        Errno errno = failure.errno();
        String target = SysfsLayout.name(uuid) + " of type " + typeId + " on parent " + parent
                + " (" + layout.mdevCreate(parent, typeId) + ")";
        String fix = switch (errno.name()) {
            case "EEXIST" -> "UUID " + SysfsLayout.name(uuid) + " is taken (an mdev UUID is unique across every parent)"
                    + existing(layout, uuid) + "; pick another UUID, or remove that instance first";
            case "EUSERS", "ENOSPC" -> "no instances left of type " + typeId + " on parent " + parent
                    + ": available_instances is " + available(layout, parent, typeId)
                    + "; remove an instance first";
            case "EINVAL" -> "the kernel or the vendor driver refused the request; the UUID is well-formed, so see the "
                    + "kernel log (dmesg) for the driver's reason (NVIDIA refuses a type that cannot share the GPU "
                    + "with the instances already on it)";
            case "ENODEV", "ENOENT", "ENXIO" -> missing(layout, parent, typeId);
            case "EACCES", "EPERM" -> "creating an mdev writes to sysfs, which needs root: run as root";
            default -> null;
        };
        return KernelException.of("create mdev", target, errno, fix, failure);
    }

    static KernelException removeFailure(SysfsLayout layout, UUID uuid, KernelException failure) {
        Errno errno = failure.errno();
        String target = SysfsLayout.name(uuid) + " (" + layout.mdevRemove(uuid) + ")";
        String fix = switch (errno.name()) {
            case "EAGAIN" -> "the instance is being created or removed by another process; try again";
            case "EBUSY" -> "the vendor driver still uses it: stop the VM or process that has it open";
            case "EINVAL" -> "the kernel refused \"1\"; see the kernel log (dmesg)";
            case "EACCES", "EPERM" -> "removing an mdev writes to sysfs, which needs root: run as root";
            default -> null;
        };
        return KernelException.of("remove mdev", target, errno, fix, failure);
    }

    private static String existing(SysfsLayout layout, UUID uuid) {
        try {
            Optional<MdevInstanceInfo> found = LinuxMdevBus.readInstance(layout, uuid);
            return found.map(i -> " by an instance of type " + i.typeId() + " on parent " + i.parent()).orElse("");
        } catch (MdevException e) {
            return "";
        }
    }

    private static String available(SysfsLayout layout, String parent, String typeId) {
        try {
            return Long.toString(SysfsReader.decimal(layout.mdevType(parent, typeId).resolve("available_instances")));
        } catch (MdevException e) {
            return "unknown (" + e.getMessage() + ")";
        }
    }

    private static String missing(SysfsLayout layout, String parent, String typeId) {
        try {
            List<String> parents = SysfsReader.names(layout.mdevParents());
            if (!parents.contains(parent)) {
                return "there is no mdev parent " + parent + " (parents: " + (parents.isEmpty() ? "none" : String.join(", ", parents))
                        + "); is the vendor's mdev driver (nvidia-vgpu-vfio) loaded and the GPU in vGPU host mode?";
            }
            List<String> types = SysfsReader.names(layout.mdevTypes(parent));
            if (!types.contains(typeId)) {
                return "parent " + parent + " has no type " + typeId + " (its types: "
                        + (types.isEmpty() ? "none" : String.join(", ", types)) + ")";
            }
        } catch (MdevException e) {
            // the listing itself failed: fall through to the generic advice
        }
        return "parent " + parent + " or its type " + typeId + " is going away (driver unbound or type table "
                + "changed); list the parents and types again";
    }
}
