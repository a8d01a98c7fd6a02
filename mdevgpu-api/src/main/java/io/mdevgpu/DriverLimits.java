package io.mdevgpu;

/**
 * What one NVIDIA driver release allows per GPU: vGPU types, instances, and the size of the name and
 * class buffers (bytes, the terminating NUL included). The library's release registry gives each layout family
 * its limits; the planner checks a plan against them.
 *
 * @param maxTypesPerGpu     the most vGPU types the driver registers for one GPU
 * @param maxInstancesPerGpu the most vGPU instances one GPU runs ({@code NVA081_MAX_VGPU_PER_PGPU}, the length of
 *                           the driver's placement-id arrays)
 * @param stringBufferBytes  the size of a type's name and class buffers, the NUL included
 *                           ({@code NVA081_VGPU_STRING_BUFFER_SIZE})
 */
public record DriverLimits(int maxTypesPerGpu, int maxInstancesPerGpu, int stringBufferBytes) {
    /** The newest release the library knows (580 and later): 128 types, 48 instances, 64-byte strings. */
    public static final DriverLimits NEWEST = new DriverLimits(128, 48, 64);
    /** Releases 510 to 570: 64 types, 32 instances, 32-byte strings (575 allows 100 types, with the same rest). */
    public static final DriverLimits PRE_580 = new DriverLimits(64, 32, 32);

    /**
     * Checks the limits can hold anything.
     *
     * @throws ValidationException when a limit is below 1, or {@code stringBufferBytes} below 2
     */
    public DriverLimits {
        if (maxTypesPerGpu < 1 || maxInstancesPerGpu < 1 || stringBufferBytes < 2) {
            throw new ValidationException("driver limits", maxTypesPerGpu + "/" + maxInstancesPerGpu + "/" + stringBufferBytes,
                    "every limit must be positive and a string buffer must hold at least one byte and the NUL");
        }
    }

    /** {@return the longest name or class, in UTF-8 bytes, that fits with its terminating NUL} */
    public int maxStringBytes() {
        return stringBufferBytes - 1;
    }

    @Override
    public String toString() {
        return maxTypesPerGpu + " types, " + maxInstancesPerGpu + " instances per GPU, strings up to "
                + maxStringBytes() + " UTF-8 bytes";
    }
}
