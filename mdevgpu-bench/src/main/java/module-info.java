/**
 * JMH benchmarks of mdevgpu's hot paths beside their C and JNA baselines. Launched on the class path (as JMH
 * forks are); this descriptor states the dependencies. The C baseline's downcalls ({@code CBaseline}) and the
 * region stand-in's {@code reinterpret} are benchmark-only exceptions to "only io.mdevgpu.kernel calls
 * restricted methods".
 */
module io.mdevgpu.bench {
    requires io.mdevgpu.core;
    requires io.mdevgpu.kernel;
    requires jmh.core;
    requires com.sun.jna;
    requires tools.jackson.databind;
    requires jdk.management;
}
