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
    PciAddress address();

    /** Vendor, device and subsystem ids. */
    PciId id();

    /** Class code, 24 bits: 0x030000 VGA, 0x030200 3D controller. */
    int classCode();

    int revision();

    /** The bound kernel driver, {@code "nvidia"}, or empty. */
    Optional<String> driver();

    /** The model name the driver or catalogue gives, e.g. "NVIDIA A100-PCIE-40GB". */
    String model();

    /** Framebuffer the driver reports as usable. */
    Size framebuffer();

    /** The BAR windows as sysfs {@code resource} gives them (index 0..5; absent BARs omitted). */
    List<Bar> bars();

    /**
     * The physical configuration space as read with the host (a copy): 4096 bytes when read as root, often only
     * the first 64 otherwise, as sysfs allows. {@code mdevgpu gpus -v} decodes its capability chain.
     */
    byte[] config();

    /**
     * How this GPU hosts vGPUs now: an mdev parent, SR-IOV vendor VFIO (with its VFs: total, enabled, free,
     * assigned), or none with the reason (reads the host).
     */
    VgpuBackend backend();

    /**
     * The vGPU types this GPU offers now: as the mdev bus lists them, or on an SR-IOV GPU those its free VFs can still
     * take ({@code creatable_vgpu_types}), each with how many free VFs take it.
     */
    List<SupportedType> types();

    /** The vGPUs of this GPU now (mdev instances, or VFs holding a type). */
    List<MdevInstance> instances();

    /**
     * libvirt's node device XML of this GPU with its mdev types now, as {@code virsh nodedev-dumpxml
     * pci_0000_65_00_0} shows it (reads the host).
     */
    String nodeDeviceXml();

    /**
     * Plans registering {@code types} on this GPU (replacing the GPU's current table). It changes nothing: it reads the
     * GPU's current types and asks the driver whether the GPU is a vGPU host (a note when it is not).
     */
    Plan plan(List<MdevType> types);

    default Plan plan(MdevType... types) {
        return plan(List.of(types));
    }

    /**
     * Creates a vGPU of {@code typeId} ({@code "nvidia-531"} or {@code "531"}) with a new random UUID: an mdev
     * instance, or on an SR-IOV GPU the first free VF that can take the type.
     */
    default MdevInstance create(String typeId) {
        return create(typeId, UUID.randomUUID());
    }

    /** As {@link #create(String)}, with the vGPU's UUID (on a VF, its owner record: QEMU's {@code -uuid}). */
    MdevInstance create(String typeId, UUID uuid);

    /**
     * Creates a vGPU of {@code typeId} on the virtual function {@code vf} of this SR-IOV GPU.
     *
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
     * first vGPU; enabling the VFs again resets it. Idempotent. Sent as {@code nvidia-smi vgpu -shm} sends it: the RM
     * control {@code GPU_SET_VGPU_HETEROGENEOUS_MODE}, read back after.
     *
     * @throws UnsupportedOperationKernelException the driver is older than R550 (no such control), or the GPU is no
     *                                             SR-IOV GPU
     * @throws DeviceInUseException                when a VF holds a vGPU
     * @throws DriverException                     the driver's refusal, with its NV status (e.g. NV_ERR_NOT_SUPPORTED
     *                                             where the GPU has no heterogeneous sizes)
     */
    void heterogeneousMode(boolean on);
}
