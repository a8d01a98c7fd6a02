package io.mdevgpu;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * A GPU that can hold vGPUs, on whichever backend it has ({@link #backend()}): as a parent of mdev instances, or on
 * its SR-IOV virtual functions in NVIDIA's vendor-VFIO mode. A view on the host: the identity fields are a snapshot
 * taken when the host was read (printing does no I/O); {@link #backend()}, {@link #types()} and {@link #instances()}
 * read the host anew.
 *
 * <p>Immutable and thread-safe, like its {@link MdevHost}: any thread may read it or create vGPUs on it.
 */
public interface ParentDevice {
    /** {@return the GPU's PCI address: its name under {@code /sys/bus/pci/devices}, e.g. {@code 0000:65:00.0}} */
    PciAddress address();

    /**
     * {@return vendor, device and subsystem ids, from sysfs {@code vendor}, {@code device}, {@code subsystem_vendor}
     * and {@code subsystem_device}}
     */
    PciId id();

    /** {@return the class code, 24 bits from sysfs {@code class}: 0x030000 VGA, 0x030200 3D controller} */
    int classCode();

    /** {@return the revision id, 0..255, from sysfs {@code revision}} */
    int revision();

    /** {@return the bound kernel driver, {@code "nvidia"} (where sysfs {@code driver} links), or empty when unbound} */
    Optional<String> driver();

    /**
     * {@return the model name, e.g. "NVIDIA A100-PCIE-40GB"} On a real host it is the {@code Model:} line of the
     * driver's {@code /proc/driver/nvidia/gpus/<address>/information}, else the catalogue's name of the board; on a
     * simulated host the inventory's. Where nothing knows it, lspci's class words and the ids
     * ({@code 3D controller 10de:2330}).
     */
    String model();

    /**
     * {@return the framebuffer vGPUs can be placed in} On a real host it is the catalogue's for a board it knows,
     * on a simulated one the inventory's; {@link Size#ZERO} when neither knows it (a plan on this GPU then says so).
     */
    Size framebuffer();

    /** {@return the BAR windows as sysfs {@code resource} gives them (index 0..5; absent BARs omitted)} */
    List<Bar> bars();

    /**
     * {@return the physical configuration space as read with the host (a copy)} It is 4096 bytes when read as root,
     * often only the first 64 otherwise, as sysfs allows. {@code mdevgpu gpus -v} decodes its capability chain.
     */
    byte[] config();

    /**
     * {@return how this GPU hosts vGPUs now} An mdev parent, SR-IOV vendor VFIO (with its VFs: total, enabled, free,
     * assigned), or none with the reason (reads the host).
     */
    VgpuBackend backend();

    /**
     * {@return the vGPU types this GPU offers now} They are those the mdev bus lists, or on an SR-IOV GPU those its
     * free VFs can still take ({@code creatable_vgpu_types}), each with how many free VFs take it. Empty while the GPU
     * is no mdev parent (no types registered yet) or, on an SR-IOV GPU, while no free VF can take a type.
     */
    List<SupportedType> types();

    /** {@return the vGPUs of this GPU now (mdev instances, or VFs holding a type); empty when there are none} */
    List<MdevInstance> instances();

    /**
     * {@return libvirt's node device XML of this GPU with its mdev types now} It is what {@code virsh
     * nodedev-dumpxml pci_0000_65_00_0} shows (reads the host).
     */
    String nodeDeviceXml();

    /**
     * Plans registering {@code types} on this GPU (replacing the GPU's current table). It changes nothing: it reads the
     * GPU's current types and asks the driver whether the GPU is a vGPU host (a note when it is not). Types that do not
     * fit are no error here: the plan lists them in {@link Plan#problems()} and refuses to apply.
     *
     * @param types the GPU's whole new table, at least one type
     * @return the plan, not yet applied
     * @throws ValidationException when {@code types} is empty
     * @throws KernelException     with {@link Errno#EBADF} when the host was closed
     */
    Plan plan(List<MdevType> types);

    /**
     * As {@link #plan(List)}.
     *
     * @param types the GPU's whole new table, at least one type
     * @return the plan, not yet applied
     */
    default Plan plan(MdevType... types) {
        return plan(List.of(types));
    }

    /**
     * Creates a vGPU of {@code typeId} ({@code "nvidia-531"} or {@code "531"}) with a new random UUID: an mdev
     * instance, or on an SR-IOV GPU the first free VF that can take the type. Throws as
     * {@link #create(String, UUID)}.
     *
     * @param typeId the type's id or number
     * @return the new vGPU
     */
    default MdevInstance create(String typeId) {
        return create(typeId, UUID.randomUUID());
    }

    /**
     * As {@link #create(String)}, with the vGPU's UUID (on a VF, its owner record: QEMU's {@code -uuid}).
     *
     * @param typeId the type's id or number
     * @param uuid   the new vGPU's UUID, unused on the host
     * @return the new vGPU
     * @throws AlreadyExistsException    EEXIST: a vGPU with {@code uuid} exists
     * @throws CapacityException         ENOSPC or EUSERS: no room left for the type (no instances left, every VF taken)
     * @throws InvalidArgumentException  EINVAL: the driver refused the type (not registered, or not creatable now)
     * @throws NoSuchDeviceException     ENODEV or ENOENT: the GPU, the type or the VFs are not there
     * @throws PermissionDeniedException EACCES or EPERM: not root
     * @throws KernelException           for any other errno, and with {@link Errno#EBADF} when the host was closed
     */
    MdevInstance create(String typeId, UUID uuid);

    /**
     * Creates a vGPU of {@code typeId} on the virtual function {@code vf} of this SR-IOV GPU.
     *
     * @param typeId the type's id or number
     * @param uuid   the new vGPU's UUID (its owner record: QEMU's {@code -uuid})
     * @param vf     the address of an enabled VF of this GPU
     * @return the new vGPU
     * @throws ValidationException       when {@code vf} is no enabled VF of this GPU, or the GPU is no SR-IOV GPU
     * @throws InvalidArgumentException  EINVAL: the type is not creatable on that VF now
     * @throws DeviceBusyException       EBUSY: the VF holds a vGPU, or another process is claiming it
     * @throws NoSuchDeviceException     ENODEV: the VFs went away
     */
    MdevInstance create(String typeId, UUID uuid, PciAddress vf);

    /**
     * Enables {@code count} SR-IOV virtual functions (0 disables them), as {@code sriov-manage -e} does. Idempotent: a
     * GPU that has {@code count} already is left alone; changing a non-zero count disables them first. Refused while a
     * VF holds a vGPU.
     *
     * @param count how many VFs to enable, 0 (disable) to the GPU's {@code sriov_totalvfs}
     * @throws ValidationException                 when {@code count} is out of that range
     * @throws UnsupportedOperationKernelException when the GPU has no SR-IOV capability the kernel exposes
     * @throws DeviceInUseException                when a VF holds a vGPU (nothing is changed)
     */
    void enableVirtualFunctions(int count);

    /** Disables every VF ({@code enableVirtualFunctions(0)}); refused while a VF holds a vGPU. */
    default void disableVirtualFunctions() {
        enableVirtualFunctions(0);
    }

    /**
     * Sets the driver's heterogeneous mode (vGPUs of several sizes on one GPU): after the VFs are enabled, before the
     * first vGPU; enabling the VFs again resets it. Idempotent.
     *
     * @param on true for heterogeneous mode, false for one vGPU size per GPU
     * @throws InvalidArgumentException            EINVAL: the GPU has no VFs enabled
     * @throws UnsupportedOperationKernelException where the driver has no such mode, or the GPU is no SR-IOV GPU
     * @throws DeviceInUseException                when a VF holds a vGPU
     */
    void heterogeneousMode(boolean on);
}
