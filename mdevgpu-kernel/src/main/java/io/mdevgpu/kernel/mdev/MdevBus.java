package io.mdevgpu.kernel.mdev;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

import io.mdevgpu.AlreadyExistsException;
import io.mdevgpu.CapacityException;
import io.mdevgpu.DeviceInUseException;
import io.mdevgpu.InvalidArgumentException;
import io.mdevgpu.KernelException;
import io.mdevgpu.NoSuchDeviceException;
import io.mdevgpu.PciAddress;
import io.mdevgpu.PermissionDeniedException;

/**
 * The port to the kernel's mdev bus: parents, their types, instances; create and remove. {@link LinuxMdevBus}
 * does it through sysfs. Instances are named by their lower-case UUID.
 */
public interface MdevBus {
    /** Every registered parent with its types, sorted by name. */
    List<MdevParent> parents();

    /**
     * The parent called {@code name} with its types.
     *
     * @throws NoSuchDeviceException when no such parent is registered (the message lists those that are)
     */
    MdevParent parent(String name);

    default MdevParent parent(PciAddress address) {
        return parent(address.toString());
    }

    /**
     * One type of one parent, read afresh (its {@code available_instances} changes with every create and remove).
     *
     * @throws NoSuchDeviceException when the parent or the type does not exist
     */
    MdevTypeInfo type(String parent, String typeId);

    /** Every instance on the bus, sorted by name (the lower-case UUID). */
    List<MdevInstanceInfo> instances();

    /** The instance {@code uuid}, when it exists. */
    Optional<MdevInstanceInfo> instance(UUID uuid);

    /**
     * Creates instance {@code uuid} of {@code typeId} on {@code parent} (writes the lower-case UUID to the
     * type's {@code create}).
     *
     * @throws AlreadyExistsException    EEXIST: the UUID exists on some parent
     * @throws CapacityException         EUSERS or ENOSPC: no instances of the type left
     * @throws InvalidArgumentException  EINVAL: the kernel or vendor driver refused
     * @throws NoSuchDeviceException     ENODEV or ENOENT: the parent or type is not there (or going away)
     * @throws PermissionDeniedException EACCES or EPERM: not root
     * @throws KernelException           for any other errno
     */
    void create(String parent, String typeId, UUID uuid);

    default void create(PciAddress parent, String typeId, UUID uuid) {
        create(parent.toString(), typeId, uuid);
    }

    /**
     * Removes instance {@code uuid} (writes {@code 1} to its {@code remove}). Idempotent: an instance that is
     * already gone, or that a concurrent remover takes away first, is no error.
     *
     * @return true when this call's write removed it, false when it was already gone
     * @throws DeviceInUseException      this process holds it open, or another process holds its group node open
     *                                   (nothing is written: the kernel would block); or the kernel did not finish
     *                                   the remove within the bus's timeout because a process holds the device fd
     *                                   (the kernel completes that remove when the holder closes it)
     * @throws PermissionDeniedException EACCES or EPERM: not root
     * @throws KernelException           for any other errno
     */
    boolean remove(UUID uuid);
}
