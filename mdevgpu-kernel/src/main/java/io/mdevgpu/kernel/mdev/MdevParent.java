package io.mdevgpu.kernel.mdev;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

import io.mdevgpu.PciAddress;

/**
 * A device registered with the mdev core ({@code /sys/class/mdev_bus/<name>}) and the types it offers.
 *
 * @param name    the device's name: a PCI address for a GPU, {@code mbochs} for a kernel sample driver
 * @param address the PCI address, when the parent is a PCI device
 * @param types   its types, sorted by id
 */
public record MdevParent(String name, Optional<PciAddress> address, List<MdevTypeInfo> types) {
    public MdevParent {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(address, "address");
        types = List.copyOf(types);
    }

    /** The type with {@code id}, when this parent offers it. */
    public Optional<MdevTypeInfo> type(String id) {
        return types.stream().filter(t -> t.id().equals(id)).findFirst();
    }

    /** {@code 0000:00:06.0: nvidia-529 (12 available), nvidia-530 (0 available)}. */
    @Override
    public String toString() {
        return name + ": " + (types.isEmpty() ? "no types" : types.stream()
                .map(t -> t.id() + " (" + t.availableInstances() + " available)").collect(Collectors.joining(", ")));
    }
}
