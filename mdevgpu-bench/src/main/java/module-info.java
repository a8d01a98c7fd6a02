/** JMH benchmarks of mdevgpu's hot paths. */
module io.mdevgpu.bench {
    requires io.mdevgpu.core;
    requires io.mdevgpu.kernel;
    requires jmh.core;
}
