package io.mdevgpu.core.inventory;

import io.mdevgpu.PciAddress;
import io.mdevgpu.ValidationException;
import io.mdevgpu.kernel.abi.nvrm.NvrmRelease;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A simulated host: its NVIDIA driver release and its GPUs, as an inventory file ({@code samples/hosts/*.toml})
 * describes them. Immutable; {@link InventoryLoader} reads one.
 *
 * @param name        the inventory's name ({@code default}, {@code h100-580})
 * @param description one line for people
 * @param driver      the driver release the simulated NVIDIA driver pretends to be
 * @param gpus        the GPUs in address order, each at its own address
 * @param source      the file it was read from, if any
 */
public record HostInventory(String name, String description, NvrmRelease driver, List<InventoryGpu> gpus,
                           Optional<Path> source) {
    public HostInventory {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(driver, "driver");
        Objects.requireNonNull(source, "source");
        gpus = gpus.stream().sorted((a, b) -> a.device().address().compareTo(b.device().address())).toList();
        Set<PciAddress> seen = new HashSet<>();
        for (InventoryGpu gpu : gpus) {
            if (!seen.add(gpu.device().address())) {
                throw new ValidationException("simulated host " + name, gpu.device().address().toString(),
                        "each GPU needs its own PCI address");
            }
        }
    }

    /** The GPU at {@code address}, if the host has one there. */
    public Optional<InventoryGpu> gpu(PciAddress address) {
        return gpus.stream().filter(g -> g.device().address().equals(address)).findFirst();
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("HostInventory[").append(name).append(": ").append(description)
                .append(", driver ").append(driver).append(source.map(s -> ", from " + s).orElse(""));
        for (InventoryGpu gpu : gpus) sb.append("\n  ").append(gpu);
        return sb.append(']').toString();
    }
}
