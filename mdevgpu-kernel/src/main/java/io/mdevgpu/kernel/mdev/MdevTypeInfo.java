package io.mdevgpu.kernel.mdev;

import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

import io.mdevgpu.ValidationException;

/**
 * An mdev type as its parent offers it in {@code <parent>/mdev_supported_types/<id>/}.
 *
 * @param parent             the parent's name under {@code /sys/class/mdev_bus} ({@code 0000:65:00.0}, {@code mbochs})
 * @param id                 the type id, {@code <driver>-<name>}: {@code nvidia-529}, {@code mtty-2}
 * @param name               the optional {@code name} attribute ({@code GRID A100-4C})
 * @param description        the optional {@code description} attribute
 * @param deviceApi          {@code device_api}: {@code vfio-pci}
 * @param availableInstances {@code available_instances}: how many more can be created (a snapshot: racy)
 * @param devices            the instances of this type ({@code devices/}), sorted by name
 */
public record MdevTypeInfo(String parent, String id, Optional<String> name, Optional<String> description,
                           String deviceApi, long availableInstances, List<UUID> devices) {
    public MdevTypeInfo {
        Objects.requireNonNull(parent, "parent");
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(deviceApi, "deviceApi");
        if (availableInstances < 0) {
            throw new ValidationException("available_instances of " + id, Long.toString(availableInstances), ">= 0");
        }
        // an own lambda, kept by the CLI's AOT cache (Comparator.comparing's is spun at every start)
        devices = devices.stream().sorted((a, b) -> a.toString().compareTo(b.toString())).toList();
    }

    /** NVIDIA's description read into fields, when the description is NVIDIA's. */
    public Optional<NvidiaTypeDescription> nvidia() {
        return description.flatMap(NvidiaTypeDescription::parse);
    }

    /**
     * {@code nvidia-529 "GRID H100-4Q" on 0000:00:06.0: vfio-pci, 12 available, 1 instance, num_heads=4, ...}.
     */
    @Override
    public String toString() {
        return id + name.map(n -> " \"" + n + "\"").orElse("") + " on " + parent + ": " + deviceApi + ", "
                + availableInstances + " available, " + devices.size() + (devices.size() == 1 ? " instance" : " instances")
                + description.map(d -> ", " + d).orElse("");
    }
}
