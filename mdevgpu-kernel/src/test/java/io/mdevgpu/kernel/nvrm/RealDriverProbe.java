package io.mdevgpu.kernel.nvrm;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.List;

import io.mdevgpu.Display;
import io.mdevgpu.MdevException;
import io.mdevgpu.MdevTypeBuilder;
import io.mdevgpu.Size;
import io.mdevgpu.kernel.abi.nvrm.VirtualizationMode;

/**
 * Runs the RM client against the real driver of the host it runs on, read-only: handshake, probed GPUs, each GPU
 * opened and its virtualization mode read (timed), the vGPU read-back calls tried; vGPU types are registered only
 * to show they are refused on a GPU that is not a vGPU host, which sends nothing. Not a unit test: a tool for the
 * lent GPU machine ({@code java -cp ... io.mdevgpu.kernel.nvrm.RealDriverProbe}), whose output goes to {@code docs/}.
 */
public final class RealDriverProbe {
    private RealDriverProbe() {
    }

    public static void main(String[] args) throws Throwable {
        try (RmClient rm = RmClient.newBuilder(new LinuxRmTransport()).open()) {
            System.out.println("driver: " + rm.driverInfo() + ", root client 0x" + Integer.toHexString(rm.clientHandle()));
            List<Integer> ids = rm.probedGpuIds();
            System.out.println("probed gpu ids: " + ids.stream().map(i -> "0x" + Integer.toHexString(i)).toList());
            for (int id : ids) {
                try (RmGpu gpu = rm.openGpu(id)) {
                    System.out.println("opened " + gpu + ", revision 0x" + Integer.toHexString(gpu.revision())
                            + ", device instance " + gpu.deviceInstance());
                    int mode = gpu.virtualizationMode();
                    System.out.println("virtualization mode: " + VirtualizationMode.describe(mode));
                    time(gpu);
                    attempt("readType(1)", () -> gpu.readType(1));
                    attempt("supportedTypes()", gpu::supportedTypes);
                    if (mode != VirtualizationMode.HOST.code()) {
                        attempt("registerTypes (refused before anything is sent)", () -> {
                            gpu.registerTypes(List.of(MdevTypeBuilder.number(531).name("probe").maxInstances(1)
                                    .framebuffer(Size.mib(1024)).reserved(Size.mib(64)).display(Display.DEFAULT).build()), false);
                            return "registered?!";
                        });
                    }
                }
            }
        }
        System.out.println("closed cleanly");
    }

    private interface Call {
        Object run() throws Exception;
    }

    private static void attempt(String what, Call call) {
        try {
            System.out.println(what + ": " + call.run());
        } catch (MdevException | IllegalStateException e) {
            System.out.println(what + ": " + e.getClass().getSimpleName() + ": " + e.getMessage());
        } catch (Exception e) {
            System.out.println(what + ": unexpected " + e);
        }
    }

    /** An RM control round trip through the whole client, and what it allocates. */
    private static void time(RmGpu gpu) throws Throwable {
        Object bean = Class.forName("java.lang.management.ManagementFactory").getMethod("getThreadMXBean").invoke(null);
        MethodHandle allocated = MethodHandles.publicLookup()
                .findVirtual(Class.forName("com.sun.management.ThreadMXBean"), "getCurrentThreadAllocatedBytes",
                        MethodType.methodType(long.class)).asType(MethodType.methodType(long.class, Object.class));
        int n = 200_000;
        for (int round = 1; round <= 3; round++) {
            long bytes = (long) allocated.invokeExact(bean);
            long start = System.nanoTime();
            for (int i = 0; i < n; i++) {
                gpu.virtualizationMode();
            }
            long ns = System.nanoTime() - start;
            bytes = (long) allocated.invokeExact(bean) - bytes;
            System.out.printf("round %d: %d x GET_VIRTUALIZATION_MODE: %.2f us per call, %.3f bytes allocated per call%n",
                    round, n, ns / 1000.0 / n, (double) bytes / n);
        }
    }
}
