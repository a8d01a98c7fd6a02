package io.mdevgpu.bench.ioctl;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * {@code ioctl} linked as the library links it (errno captured, variadic from the third argument) plus
 * {@link Linker.Option#critical(boolean) critical(false)}: the thread stays in Java state, so the transition to
 * native and back is skipped. What adopting the option for non-blocking calls would gain is this class's row against
 * the library's; a benchmark-only exception to "only Syscalls makes downcalls" (docs/benchmarks.md says why the
 * library does not adopt it).
 */
public final class CriticalIoctl {
    private static final MethodHandle IOCTL = Linker.nativeLinker().downcallHandle(
            Linker.nativeLinker().defaultLookup().find("ioctl").orElseThrow(),
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS),
            Linker.Option.captureCallState("errno"), Linker.Option.firstVariadicArg(2), Linker.Option.critical(false));

    private CriticalIoctl() {
    }

    /** {@code ioctl(fd, request, arg)}, errno into {@code capture} (a {@code captureStateLayout()} segment). */
    public static int ioctl(MemorySegment capture, int fd, long request, MemorySegment arg) {
        try {
            return (int) IOCTL.invokeExact(capture, fd, request, arg);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }
}
