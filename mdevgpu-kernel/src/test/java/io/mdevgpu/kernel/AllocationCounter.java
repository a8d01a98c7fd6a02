package io.mdevgpu.kernel;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * This thread's allocated bytes, for tests that a hot path allocates nothing once compiled. Reaches
 * {@code com.sun.management.ThreadMXBean} reflectively (the module does not read jdk.management) through a method
 * handle, so that reading the counter allocates nothing itself; {@link #overhead()} is what two reads cost anyway.
 */
public final class AllocationCounter {
    private final MethodHandle read;
    private final Object bean;
    private final long overhead;

    public AllocationCounter() throws Throwable {
        bean = Class.forName("java.lang.management.ManagementFactory").getMethod("getThreadMXBean").invoke(null);
        Class<?> type = Class.forName("com.sun.management.ThreadMXBean");
        read = MethodHandles.publicLookup()
                .findVirtual(type, "getCurrentThreadAllocatedBytes", MethodType.methodType(long.class))
                .asType(MethodType.methodType(long.class, Object.class));
        long o = 0;
        for (int i = 0; i < 1000; i++) {
            long a = bytes();
            o = bytes() - a;
        }
        overhead = o;
    }

    public long bytes() throws Throwable {
        return (long) read.invokeExact(bean);
    }

    public long overhead() {
        return overhead;
    }

    /** The bytes {@code rounds} of {@code body} allocate, retried until compiled code shows 0 or tries run out. */
    public long allocatedOnceWarm(int tries, Runnable body) throws Throwable {
        long allocated = -1;
        for (int round = 0; round < tries && allocated != 0; round++) {
            long before = bytes();
            body.run();
            allocated = bytes() - before - overhead;
        }
        return allocated;
    }
}
