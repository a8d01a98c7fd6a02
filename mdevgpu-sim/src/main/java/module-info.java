/**
 * The simulated host, a testing artifact: the simulated kernel beneath the same ports as real Linux (mdev bus, VFIO
 * on memfds, the NVIDIA driver of each release), the sysfs tree writer, and the engine over them. The engine finds it
 * through {@link java.util.ServiceLoader} and never imports it; the production modules carry none of it. Tests
 * open a host with {@link io.mdevgpu.sim.SimulatedHost} or the JUnit extension {@link io.mdevgpu.sim.WithSimulatedHost},
 * and fail chosen calls with {@link io.mdevgpu.sim.Faults}; all of it works with {@code requires io.mdevgpu.sim} alone.
 */
module io.mdevgpu.sim {
    requires transitive io.mdevgpu;
    requires io.mdevgpu.kernel;
    requires io.mdevgpu.core;
    requires org.slf4j;
    requires static org.junit.jupiter.api; // WithSimulatedHost: present in the tests that use it

    exports io.mdevgpu.sim;

    provides io.mdevgpu.core.host.SimulatedHostFactory with io.mdevgpu.sim.SimulatedHostProvider;
}
