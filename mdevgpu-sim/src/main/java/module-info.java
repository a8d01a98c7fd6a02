/**
 * The simulated host, a testing artifact: the simulated kernel beneath the same ports as real Linux (mdev bus, VFIO
 * on memfds, the NVIDIA driver of each release), the sysfs tree writer, and the engine over them. The engine finds it
 * through {@link java.util.ServiceLoader} and never imports it; the production modules carry none of it.
 */
module io.mdevgpu.sim {
    requires transitive io.mdevgpu;
    requires io.mdevgpu.kernel;
    requires io.mdevgpu.core;
    requires org.slf4j;

    exports io.mdevgpu.sim;

    provides io.mdevgpu.core.host.SimulatedHostFactory with io.mdevgpu.sim.SimulatedHostProvider;
}
