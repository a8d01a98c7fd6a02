package io.mdevgpu.bench.pci;

import static io.mdevgpu.kernel.abi.pci.PciRegs.PCI_BASE_ADDRESS_0;
import static io.mdevgpu.kernel.abi.pci.PciRegs.PCI_COMMAND;
import static io.mdevgpu.kernel.abi.pci.PciRegs.PCI_COMMAND_MASTER;
import static io.mdevgpu.kernel.abi.pci.PciRegs.PCI_COMMAND_MEMORY;
import static io.mdevgpu.kernel.abi.pci.PciRegs.PCI_VENDOR_ID;

import io.mdevgpu.bench.NativeBench;
import io.mdevgpu.core.partition.GpuCatalogue;
import io.mdevgpu.core.partition.ProfileGenerator;
import io.mdevgpu.core.pci.GuestConfigSpace;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Setup;

/**
 * Guest config-space emulation through the core's model ({@link GuestConfigSpace}) of a quarter A100: a 4-byte
 * read (vendor and device id), a 4-byte write (command and status: masked bits, write-1-to-clear bits), and the
 * BAR sizing protocol's all-ones write to BAR0 with the size mask read back. No C row: the yardstick is the
 * 10 ns goal, a small share of a VM exit.
 */
public class ConfigSpaceBench extends NativeBench {
    /** Offsets and the value live in fields, not constants, so that nothing is folded. */
    public int idOffset = PCI_VENDOR_ID, commandOffset = PCI_COMMAND, barOffset = PCI_BASE_ADDRESS_0;
    public int command = PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER;

    GuestConfigSpace space; // package-private: the test reads it

    @Setup(Level.Trial)
    public void open() {
        space = GpuCatalogue.A100_40G.guestConfigSpace(ProfileGenerator.type(GpuCatalogue.A100_40G, 531, 4).build());
    }

    @Benchmark
    public int read32_mdevgpu() {
        return space.read(idOffset, 4);
    }

    @Benchmark
    public void write32_mdevgpu() {
        space.write(commandOffset, 4, command);
    }

    @Benchmark
    public int barSizing_mdevgpu() {
        space.write(barOffset, 4, 0xffff_ffff);
        return space.read(barOffset, 4);
    }
}
