package io.mdevgpu;

/**
 * What one NVIDIA driver release allows per GPU: vGPU types, instances, and the size of the name and
 * class buffers (bytes, the terminating NUL included).
 */
public record DriverLimits(int maxTypesPerGpu, int maxInstancesPerGpu, int stringBufferBytes) {
    /** The newest release the library knows (580 and later): 128 types, 48 instances, 64-byte strings. */
    public static final DriverLimits NEWEST = new DriverLimits(128, 48, 64);
    /** Releases before 580: 64 types, 32 instances, 32-byte strings. */
    public static final DriverLimits PRE_580 = new DriverLimits(64, 32, 32);

    public DriverLimits {
        if (maxTypesPerGpu < 1 || maxInstancesPerGpu < 1 || stringBufferBytes < 2) {
            throw new ValidationException("driver limits", maxTypesPerGpu + "/" + maxInstancesPerGpu + "/" + stringBufferBytes,
                    "every limit must be positive and a string buffer must hold at least one byte and the NUL");
        }
    }

    /** The longest name or class, in UTF-8 bytes, that fits with its terminating NUL. */
    public int maxStringBytes() {
        return stringBufferBytes - 1;
    }

    @Override
    public String toString() {
        return maxTypesPerGpu + " types, " + maxInstancesPerGpu + " instances per GPU, strings up to "
                + maxStringBytes() + " UTF-8 bytes";
    }
}
