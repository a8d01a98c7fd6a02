package io.mdevgpu.kernel.testing;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.UUID;

import io.mdevgpu.PciAddress;
import io.mdevgpu.PciId;
import io.mdevgpu.kernel.mdev.MdevInstanceInfo;
import io.mdevgpu.kernel.mdev.MdevTypeInfo;
import io.mdevgpu.kernel.pci.PciDevice;
import io.mdevgpu.kernel.pci.PciResource;
import io.mdevgpu.kernel.sysfs.SysfsLayout;
import io.mdevgpu.sim.SysfsTreeWriter;

/**
 * A fake host for port tests: the fixture's H100 at 0000:00:06.0 (IOMMU group 12) as an mdev parent with
 * two NVIDIA types and one instance, an Ethernet controller at 0000:03:00.0 (not a display device), and the
 * kernel's mbochs sample as a virtual parent (what {@code mk-fake-mdev-root.sh} builds).
 */
public final class FakeHost {
    public static final PciAddress NIC = PciAddress.parse("0000:03:00.0");
    public static final String H100 = H100Fixture.ADDRESS.toString();
    public static final String Q4 = "nvidia-529";
    public static final String Q80 = "nvidia-530";
    public static final String Q4_DESCRIPTION =
            "num_heads=4, frl_config=45, framebuffer=2048M, max_resolution=5120x2880, max_instance=12";
    public static final UUID INSTANCE = UUID.fromString("9ab1e3c4-5d6f-4a70-8b91-a2b3c4d5e6f7");
    public static final int INSTANCE_GROUP = 40;

    public final SysfsLayout layout;
    public final SysfsTreeWriter writer;

    private FakeHost(Path root) {
        this.layout = SysfsLayout.under(root);
        this.writer = new SysfsTreeWriter(layout);
    }

    public static FakeHost create(Path root) {
        FakeHost host = new FakeHost(root);
        SysfsTreeWriter w = host.writer;
        w.pciDevice(H100Fixture.device(12));
        w.pciDevice(PciDevice.builder(NIC).id(PciId.of(0x8086, 0x1533, 0x8086, 0x0001)).revision(3)
                .classCode(0x020000).driver("igb").iommuGroup(7).numaNode(0)
                .resources(PciResource.parse("0x00000000fb000000 0x00000000fb0fffff 0x0000000000040200\n"))
                .config(new byte[64]).build());
        w.mdevParent(H100Fixture.ADDRESS);
        w.mdevType(new MdevTypeInfo(H100, Q4, Optional.of("GRID H100-4Q"), Optional.of(Q4_DESCRIPTION), "vfio-pci", 11, List.of()));
        w.mdevType(new MdevTypeInfo(H100, Q80, Optional.empty(), Optional.empty(), "vfio-pci", 0, List.of()));
        w.mdevInstance(new MdevInstanceInfo(INSTANCE, H100, Q4, OptionalInt.of(INSTANCE_GROUP)));
        w.mdevVirtualParent("mbochs", "mbochs");
        w.mdevType(new MdevTypeInfo("mbochs", "mbochs-small", Optional.of("mbochs-small"),
                Optional.of("virtual display, 4 MB video memory"), "vfio-pci", 63, List.of()));
        return host;
    }
}
