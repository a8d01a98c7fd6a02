package io.mdevgpu.sim;

import java.util.List;

import io.mdevgpu.Display;
import io.mdevgpu.MdevType;
import io.mdevgpu.MdevTypeBuilder;
import io.mdevgpu.PciAddress;
import io.mdevgpu.PciId;
import io.mdevgpu.Size;
import io.mdevgpu.kernel.abi.nvrm.VirtualizationMode;
import io.mdevgpu.kernel.pci.PciDevice;
import io.mdevgpu.kernel.pci.PciResource;

/** Simulated hosts and types for the kernel's own tests: two A100 40GB and a T4, as the default inventory has. */
final class SimHosts {
    static final PciAddress A100_0 = PciAddress.parse("0000:65:00.0");
    static final PciAddress A100_1 = PciAddress.parse("0000:ca:00.0");
    static final PciAddress T4 = PciAddress.parse("0000:17:00.0");
    static final PciId A100_ID = PciId.of(0x10DE, 0x20F1, 0x10DE, 0x145F);
    static final PciId T4_ID = PciId.of(0x10DE, 0x1EB8, 0x10DE, 0x12A2);
    static final PciId GUEST_ID = PciId.of(0x10DE, 0x20B0, 0x10DE, 0x1470);
    static final Size A100_FRAMEBUFFER = Size.mib(40960);

    private SimHosts() {
    }

    /** A GPU's PCI function as sysfs would show it: 256 bytes of config space, BAR0 16M, BAR1 {@code bar1}, BAR3 32M. */
    static PciDevice gpu(PciAddress address, PciId id, int iommuGroup, Size bar1) {
        byte[] config = new byte[256];
        put(config, 0x00, 2, id.vendor());
        put(config, 0x02, 2, id.device());
        put(config, 0x04, 2, 0x0006);            // memory space, bus master
        put(config, 0x06, 2, 0x0010);            // capabilities list
        put(config, 0x08, 4, 0x030200 << 8 | 0xA1);
        put(config, 0x2C, 2, id.subsystemVendor());
        put(config, 0x2E, 2, id.subsystemDevice());
        long base = 0x1000_0000_0000L + ((long) address.bus() << 36);
        String resources = String.format("0x%016x 0x%016x 0x0000000000040200%n", base, base + (16 << 20) - 1)
                + "0x0000000000000000 0x0000000000000000 0x0000000000000000\n"
                + String.format("0x%016x 0x%016x 0x000000000014220c%n", base + (1L << 35), base + (1L << 35) + bar1.bytes() - 1)
                + "0x0000000000000000 0x0000000000000000 0x0000000000000000\n"
                + String.format("0x%016x 0x%016x 0x000000000014220c%n", base + (1L << 34), base + (1L << 34) + (32 << 20) - 1)
                + "0x0000000000000000 0x0000000000000000 0x0000000000000000\n"
                + "0x0000000000000000 0x0000000000000000 0x0000000000000000\n";
        return PciDevice.builder(address).id(id).revision(0xA1).classCode(0x030200).driver("nvidia")
                .iommuGroup(iommuGroup).numaNode(0).resources(PciResource.parse(resources)).config(config).build();
    }

    private static void put(byte[] b, int at, int width, int value) {
        for (int i = 0; i < width; i++) b[at + i] = (byte) (value >>> 8 * i);
    }

    /** Two A100 40GB (groups 12, 13) and a T4 (group 14) as vGPU hosts on driver {@code version}. */
    static SimulatedHostSpec defaultHost(String version) {
        return SimulatedHostSpec.newBuilder().driverVersion(version)
                .gpu(SimulatedGpu.host(gpu(A100_0, A100_ID, 12, Size.gib(64)), "NVIDIA A100-PCIE-40GB", A100_FRAMEBUFFER))
                .gpu(SimulatedGpu.host(gpu(A100_1, A100_ID, 13, Size.gib(64)), "NVIDIA A100-PCIE-40GB", A100_FRAMEBUFFER))
                .gpu(SimulatedGpu.host(gpu(T4, T4_ID, 14, Size.mib(256)), "Tesla T4", Size.mib(15360)))
                .build();
    }

    /** One A100 in {@code mode}. */
    static SimulatedHostSpec oneGpu(String version, VirtualizationMode mode) {
        return SimulatedHostSpec.newBuilder().driverVersion(version)
                .gpu(new SimulatedGpu(gpu(A100_0, A100_ID, 12, Size.gib(64)), "NVIDIA A100-PCIE-40GB", A100_FRAMEBUFFER, mode))
                .build();
    }

    /** A type with {@code instances} instances of {@code framebufferMiB} (+ 704 MiB reserved), BAR1 256M. */
    static MdevType type(int number, String name, int instances, int framebufferMiB) {
        return MdevTypeBuilder.number(number).name(name).gpuClass("Compute").maxInstances(instances)
                .framebuffer(Size.mib(framebufferMiB)).reserved(Size.mib(704)).bar1(Size.mib(256))
                .guestPciId(GUEST_ID).hostPciId(PciId.of(0x10DE, 0x20F1))
                .display(Display.heads(4).maxResolution(1920, 1080)).build();
    }

    /** The predecessor's four Ampere types: quarter, eighth, ... of an A100 40GB. */
    static List<MdevType> ampere() {
        return List.of(type(531, "Open vAmpere/4", 4, 9536), type(532, "Open vAmpere/8", 8, 4416),
                type(533, "Open vAmpere/16", 16, 1856), type(534, "Open vAmpere/2", 2, 19776));
    }
}
