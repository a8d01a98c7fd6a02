package io.mdevgpu;

/**
 * An mdev type as the kernel's mdev bus lists it under {@code mdev_supported_types/}.
 *
 * @param id                 {@code nvidia-531}
 * @param name               the {@code name} attribute, or empty
 * @param description        the {@code description} attribute, or empty
 * @param deviceApi          {@code vfio-pci}
 * @param availableInstances instances that can still be created (a snapshot)
 */
public record SupportedType(String id, String name, String description, String deviceApi, int availableInstances) {
    @Override
    public String toString() {
        return id + " \"" + name + "\" available=" + availableInstances + (description.isEmpty() ? "" : " (" + description + ")");
    }
}
