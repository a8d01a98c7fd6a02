package io.mdevgpu.bench.baseline;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;

/**
 * libc's {@code ioctl} through JNA 5 direct mapping ({@code Native.register}), the fastest way JNA offers.
 * JNA keeps {@code errno} after every call; {@link #errno()} reads it, as a JNA user would.
 */
public final class JnaLibc {
    static {
        Native.register(JnaLibc.class, NativeLibrary.getInstance("c"));
    }

    private JnaLibc() {
    }

    /** {@code int ioctl(int fd, unsigned long request, void *arg)}; {@code unsigned long} is 64-bit on LP64. */
    public static native int ioctl(int fd, long request, Pointer arg);

    /** The {@code errno} of the last native call on this thread. */
    public static int errno() {
        return Native.getLastError();
    }
}
