package io.mdevgpu;

/** A system call was needed but the JVM was started without native access for the kernel layer. */
public final class NativeAccessException extends MdevException {
    private static final long serialVersionUID = 1L;

    /** The flag to add; see {@link #flag()}. */
    private final String flag;

    /**
     * The JDK refused the kernel layer's native access.
     *
     * @param operation the operation that needed a system call, e.g. {@code "open /dev/vfio/12"}
     * @param flag      the command-line flag that enables it for the kernel layer where it runs
     */
    public NativeAccessException(String operation, String flag) {
        super(operation, null, "native access is not enabled for the kernel layer",
                "Start the JVM with " + flag + " (the ./mdevgpu launcher does)", null);
        this.flag = flag;
    }

    /**
     * {@return the exact command-line flag to add}: {@code --enable-native-access=io.mdevgpu.kernel} on the module
     * path, {@code --enable-native-access=ALL-UNNAMED} on the class path.
     */
    public String flag() { return flag; }
}
