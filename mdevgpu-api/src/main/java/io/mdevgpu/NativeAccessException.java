package io.mdevgpu;

/** A system call was needed but the JVM was started without native access for the kernel layer. */
public final class NativeAccessException extends MdevException {
    private final String flag;

    public NativeAccessException(String operation, String flag) {
        super(operation, null, "native access is not enabled for the kernel layer",
                "Start the JVM with " + flag + " (the ./mdevgpu launcher does)", null);
        this.flag = flag;
    }

    /** The exact command-line flag to add, e.g. {@code --enable-native-access=io.mdevgpu.kernel}. */
    public String flag() { return flag; }
}
