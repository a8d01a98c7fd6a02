package io.mdevgpu;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * A user-defined vGPU type: what the NVIDIA driver registers and publishes as the mdev type
 * {@code nvidia-<number>}. Immutable and always valid (the constructor checks every field against the newest
 * driver's limits; the running driver's own limits are checked again when a plan is made). Build one with
 * {@link MdevTypeBuilder}: {@code MdevTypeBuilder.number(531).name("Open vAmpere/4")...build()}. Each component
 * is the configuration's key of the same name in snake case under {@code [[gpu.type]]} ({@code gpuClass} is
 * {@code class}); each goes to the driver in {@code VGPU_CONFIG_SET_INFO}, in the fields named below.
 *
 * @param number          type number, 1..2^31-1; the sysfs type is {@code nvidia-<number>} (the driver's
 *                        {@code vgpuType})
 * @param name            sysfs {@code name} ({@code vgpuName}); NUL-terminated in the driver's buffer, so at most the
 *                        newest driver's {@link DriverLimits#maxStringBytes()} bytes of UTF-8, printable characters
 *                        only; default {@link #DEFAULT_NAME}
 * @param gpuClass        {@code "Compute"}, {@code "Quadro"}, {@code "NVS"}, {@code "GeForce"}...: the class the
 *                        guest driver is told ({@code vgpuClass}); the same limits as {@code name}; default
 *                        {@link #DEFAULT_CLASS}
 * @param maxInstances    instances of this type per GPU ({@code maxInstance}), 1 to the newest driver's
 *                        {@link DriverLimits#maxInstancesPerGpu()}
 * @param framebuffer     framebuffer the guest gets (positive, whole MiB; {@code fbLength})
 * @param reserved        framebuffer the host reserves for each instance (whole MiB, may be 0; {@code fbReservation})
 * @param mappableVideo   mappable video size (whole MiB; {@code mappableVideoSize}); default
 *                        {@link #DEFAULT_MAPPABLE_VIDEO}
 * @param bar1            the guest's BAR1 (framebuffer aperture) length (positive, whole MiB; {@code bar1Length});
 *                        default {@link #DEFAULT_BAR1}
 * @param guestPciId      the PCI identity the guest sees ({@code vdevId}, configured packed as {@code 0xDDDDSSSS});
 *                        empty: the physical GPU's device and subsystem
 * @param hostPciId       the identity reported to the host: its device id becomes the driver's {@code pdevId};
 *                        empty: the physical GPU's
 * @param ecc             ECC supported ({@code eccSupported})
 * @param multiVgpu       several vGPUs of this type in one VM ({@code multiVgpuSupported})
 * @param encoderCapacity NVENC capacity, percent 0..100 ({@code encoderCapacity}); default
 *                        {@link #DEFAULT_ENCODER_CAPACITY}
 * @param display         heads, resolution, frame-rate limit (the {@code [gpu.type.display]} table)
 */
public record MdevType(int number, String name, String gpuClass, int maxInstances, Size framebuffer, Size reserved,
                       Size mappableVideo, Size bar1, Optional<PciId> guestPciId, Optional<PciId> hostPciId,
                       boolean ecc, boolean multiVgpu, int encoderCapacity, Display display) {

    /** The name a type gets when none is given, the predecessor's: {@code "Arc GPU"}. */
    public static final String DEFAULT_NAME = "Arc GPU";
    /** The class a type gets when none is given: {@code "Compute"}. */
    public static final String DEFAULT_CLASS = "Compute";
    /** The mappable video size a type gets when none is given: 24 MiB. */
    public static final Size DEFAULT_MAPPABLE_VIDEO = Size.mib(24);
    /** The guest BAR1 length a type gets when none is given: 256 MiB. */
    public static final Size DEFAULT_BAR1 = Size.mib(256);
    /** The NVENC capacity a type gets when none is given, in percent: all of it. */
    public static final int DEFAULT_ENCODER_CAPACITY = 100;

    /**
     * Checks every component against the newest driver's limits ({@link DriverLimits#NEWEST}).
     *
     * @throws ValidationException naming the first component that is missing (null) or out of range
     */
    public MdevType {
        if (number <= 0) {
            throw new ValidationException("type number", Integer.toString(number),
                    "a type number is 1..2147483647 (0 is invalid to the driver)");
        }
        checkString("name", name, DriverLimits.NEWEST);
        checkString("class", gpuClass, DriverLimits.NEWEST);
        if (maxInstances < 1 || maxInstances > DriverLimits.NEWEST.maxInstancesPerGpu()) {
            throw new ValidationException("max_instances", Integer.toString(maxInstances),
                    "allowed: 1.." + DriverLimits.NEWEST.maxInstancesPerGpu() + " (the newest driver's per-GPU limit)");
        }
        wholeMiB("framebuffer", framebuffer, true);
        wholeMiB("reserved", reserved, false);
        wholeMiB("mappable_video", mappableVideo, false);
        wholeMiB("bar1", bar1, true);
        if (guestPciId == null || hostPciId == null || display == null) {
            throw new ValidationException("type " + number, null, "guestPciId, hostPciId and display must not be null (use Optional.empty())");
        }
        if (encoderCapacity < 0 || encoderCapacity > 100) {
            throw new ValidationException("encoder_capacity", Integer.toString(encoderCapacity), "a percentage, 0..100");
        }
    }

    private static void wholeMiB(String what, Size size, boolean positive) {
        if (size == null) {
            throw new ValidationException(what, null, "required");
        }
        if (!size.isWholeMiB() || (positive && size.isZero()) || size.toMiB() > 0xFFFF_FFFFL) {
            throw new ValidationException(what, size.toString(),
                    (positive ? "a positive" : "a") + " whole number of MiB below 4 PiB (the driver counts in MiB)");
        }
    }

    /**
     * Checks that {@code value} fits a driver string buffer: at most {@code limits.maxStringBytes()} bytes of
     * UTF-8 (room left for the NUL), no NUL and no control characters.
     *
     * @param what   the property, for the message: {@code "name"}, {@code "class"}
     * @param value  the text to check
     * @param limits the driver's limits, {@link DriverLimits#NEWEST} or the running driver's
     * @throws ValidationException when {@code value} is null or empty, has a control character or an unpaired
     *                             surrogate, or is too long, naming the index or the byte count
     */
    public static void checkString(String what, String value, DriverLimits limits) {
        if (value == null || value.isEmpty()) {
            throw new ValidationException(what, value, "must not be empty");
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.isISOControl(c)) {
                throw new ValidationException(what, value.replace("\0", "\\0"),
                        "contains a control character (U+" + String.format("%04X", (int) c) + ") at index " + i
                                + "; only printable characters are allowed");
            }
            if (Character.isSurrogate(c) && !(Character.isHighSurrogate(c) && i + 1 < value.length()
                    && Character.isLowSurrogate(value.charAt(i + 1)))
                    && !(Character.isLowSurrogate(c) && i > 0 && Character.isHighSurrogate(value.charAt(i - 1)))) {
                throw new ValidationException(what, value, "contains an unpaired surrogate at index " + i);
            }
        }
        int bytes = value.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > limits.maxStringBytes()) {
            throw new ValidationException(what, value, bytes + " bytes of UTF-8 is too long: the driver's buffer is "
                    + limits.stringBufferBytes() + " bytes, so at most " + limits.maxStringBytes()
                    + " bytes before the terminating NUL");
        }
    }

    /**
     * The type id that {@code nameOrNumber} names: {@code "532"} and {@code "nvidia-532"} both give
     * {@code "nvidia-532"}; any other text (another vendor's mdev type) is returned as it is, stripped.
     *
     * @param nameOrNumber a type number or id; null gives {@code ""}
     * @return the type id, as sysfs names it
     */
    public static String typeId(String nameOrNumber) {
        String t = nameOrNumber == null ? "" : nameOrNumber.strip();
        return t.matches("\\d{1,10}") ? "nvidia-" + t : t;
    }

    /**
     * The NVIDIA type number that {@code nameOrNumber} names ({@code "532"} or {@code "nvidia-532"}): what a VF's
     * {@code current_vgpu_type} takes.
     *
     * @param nameOrNumber a type number or id
     * @return the number, 1..2^31-1
     * @throws ValidationException for any other text
     */
    public static int typeNumber(String nameOrNumber) {
        String id = typeId(nameOrNumber);
        if (id.matches("nvidia-\\d{1,10}")) {
            long n = Long.parseLong(id.substring("nvidia-".length()));
            if (n >= 1 && n <= Integer.MAX_VALUE) return (int) n;
        }
        throw new ValidationException("vGPU type", nameOrNumber, "an NVIDIA type: its number (532) or its id (nvidia-532)");
    }

    /** {@return the sysfs type id, {@code nvidia-<number>}} */
    public String sysfsName() {
        return "nvidia-" + Integer.toUnsignedString(number);
    }

    /**
     * {@return what the guest and host together take of the GPU's framebuffer per instance: framebuffer plus
     * reserved}
     */
    public Size framebufferPerInstance() {
        return framebuffer.plus(reserved);
    }

    /**
     * {@return the description NVIDIA's driver writes to sysfs, which libvirt, mdevctl and other tools grep} For
     * example {@code num_heads=4, frl_config=60, framebuffer=9536M, max_resolution=5120x2880, max_instance=4}.
     */
    public String sysfsDescription() {
        return "num_heads=" + display.heads() + ", frl_config=" + display.frameRateLimit() + ", framebuffer="
                + framebuffer.toMiB() + "M, max_resolution=" + display.resolution() + ", max_instance=" + maxInstances;
    }

    /** {@return a builder holding this type's values, to make a changed copy} */
    public MdevTypeBuilder toBuilder() {
        return new MdevTypeBuilder(this);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("MdevType[").append(sysfsName()).append(" \"").append(name).append("\" ")
                .append(gpuClass).append(": ").append(maxInstances).append(" x ").append(framebuffer)
                .append(" (+").append(reserved).append(" reserved), BAR1 ").append(bar1)
                .append(", mappable ").append(mappableVideo);
        guestPciId.ifPresent(id -> sb.append(", guest ").append(id));
        hostPciId.ifPresent(id -> sb.append(", host ").append(id));
        sb.append(", ").append(display);
        if (ecc) sb.append(", ECC");
        if (multiVgpu) sb.append(", multi-vGPU");
        if (encoderCapacity != DEFAULT_ENCODER_CAPACITY) sb.append(", encoder ").append(encoderCapacity).append('%');
        return sb.append(']').toString();
    }
}
