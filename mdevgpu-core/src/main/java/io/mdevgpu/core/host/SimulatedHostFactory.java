package io.mdevgpu.core.host;

import io.mdevgpu.HostSpec;

/**
 * Opens a simulated host: implemented by the simulator ({@code io.mdevgpu.sim}, the artifact
 * {@code io.mdevgpu:mdevgpu-sim}) and found through {@link java.util.ServiceLoader}, so that the engine never
 * imports it and the production jars carry none of it. The simulator builds its kernel and hands it to
 * {@link EngineHost#over}.
 */
public interface SimulatedHostFactory {
    /** The simulated host {@code spec} names ({@link HostSpec#isSimulated()} is true). */
    EngineHost open(HostSpec spec);
}
