package io.mdevgpu;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * A GPU that can be a parent of mdev instances. A view on the host: the identity fields are a snapshot taken
 * when the host was read (printing does no I/O); {@link #types()} and {@link #instances()} read the host anew.
 *
 * <p>Immutable and thread-safe, like its {@link MdevHost}: any thread may read it or create instances on it.
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

    /** The mdev types this parent offers now, as the mdev bus lists them. */
    List<SupportedType> types();

    /** The mdev instances of this parent now. */
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

    /** Creates an instance of {@code typeId} ({@code "nvidia-531"}) with a new random UUID. */
    default MdevInstance create(String typeId) {
        return create(typeId, UUID.randomUUID());
    }

    MdevInstance create(String typeId, UUID uuid);
}
