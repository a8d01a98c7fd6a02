/**
 * JMH benchmarks of mdevgpu's hot paths beside their C and JNA baselines. Launched on the class path (as JMH
 * forks are); this descriptor states the dependencies. The C baseline's and JNA's downcalls ({@code CBaseline},
 * {@code JnaLibc}) are benchmark-only exceptions to "only io.mdevgpu.kernel calls restricted methods". The VFIO
 * benchmarks' memfd-backed device comes from the kernel's test-jar, which is not a module: it stays on the class
 * path, which the compiler lets this module read ({@code --add-reads io.mdevgpu.bench=ALL-UNNAMED}).
 */
module io.mdevgpu.bench {
    requires io.mdevgpu.core;
    requires io.mdevgpu.kernel;
    requires jmh.core;
    requires com.sun.jna;
    requires tools.jackson.databind;
    requires jdk.management;
}
