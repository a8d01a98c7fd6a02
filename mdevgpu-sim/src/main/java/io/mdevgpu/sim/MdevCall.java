package io.mdevgpu.sim;

import java.nio.file.Path;

/**
 * The simulated mdev core's calls: writes to its sysfs attributes. A failed write throws the errno's
 * {@code KernelException} and changes nothing.
 */
public enum MdevCall implements SimCall {
    /** {@code echo UUID > .../mdev_supported_types/TYPE/create}. */
    CREATE,
    /** {@code echo 1 > /sys/bus/mdev/devices/UUID/remove}. */
    REMOVE,
    /** Any other attribute write. */
    WRITE;

    @Override
    public Faults.Seam seam() {
        return Faults.Seam.MDEV;
    }

    /** The call a write to {@code attribute} is, by the attribute's file name. */
    static MdevCall ofAttribute(Path attribute) {
        Path name = attribute.getFileName();
        if (name == null) return WRITE;
        return switch (name.toString()) {
            case "create" -> CREATE;
            case "remove" -> REMOVE;
            default -> WRITE;
        };
    }
}
