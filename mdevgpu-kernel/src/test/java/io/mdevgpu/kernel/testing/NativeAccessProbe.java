package io.mdevgpu.kernel.testing;

import java.lang.foreign.MemorySegment;

import io.mdevgpu.NativeAccessException;
import io.mdevgpu.kernel.sys.Syscalls;

/**
 * Run in a JVM of its own by {@code NativeAccessModesTest}: opens /dev/null through {@link Syscalls} twice and prints what
 * happened; arg: make a restricted call first. In a package of its own, so that it stays on the class path when
 * the kernel is on the module path.
 */
public final class NativeAccessProbe {
    public static void main(String[] args) {
        System.out.println("enabled before: " + Syscalls.nativeAccessEnabled());
        if (Boolean.parseBoolean(args[0])) {
            MemorySegment.NULL.reinterpret(0); // the application's own restricted call, before the library's
        }
        System.out.println("open: " + openDevNull());
        System.out.println("again: " + openDevNull());
    }

    private static String openDevNull() {
        try {
            Syscalls.closeOrThrow(Syscalls.openOrThrow("/dev/null", Syscalls.O_RDONLY), "/dev/null");
            return "ok";
        } catch (NativeAccessException e) {
            if (!e.getMessage().contains("open /dev/null")) return "unnamed operation: " + e.getMessage();
            return "NativeAccessException " + e.flag();
        } catch (RuntimeException | Error e) {
            return "untyped " + e;
        }
    }
}
