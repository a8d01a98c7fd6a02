package io.mdevgpu.core.host;

import io.mdevgpu.HostSpec;
import io.mdevgpu.HostStateException;
import io.mdevgpu.MdevHost;
import io.mdevgpu.MdevHostProvider;
import io.mdevgpu.kernel.KernelPorts;

import java.util.Optional;
import java.util.ServiceLoader;

/**
 * The engine, as {@link MdevHost#open()} and {@link MdevHost#simulated(String)} find it through
 * {@link java.util.ServiceLoader}: a real host over {@link KernelPorts#linux(HostSpec)}, a simulated one from the
 * simulator ({@link SimulatedHostFactory}, in the artifact {@value #SIMULATOR_ARTIFACT}), found the same way.
 */
public final class EngineHostProvider implements MdevHostProvider {
    /** The artifact that holds the simulated host. */
    static final String SIMULATOR_ARTIFACT = "io.mdevgpu:mdevgpu-sim";

    @Override
    public MdevHost open(HostSpec spec) {
        if (spec.isSimulated()) {
            return simulator(spec).open(spec);
        }
        return EngineHost.over(spec, KernelPorts.linux(spec), Optional.empty());
    }

    private static SimulatedHostFactory simulator(HostSpec spec) {
        return ServiceLoader.load(SimulatedHostFactory.class, EngineHostProvider.class.getClassLoader()).findFirst()
                .orElseThrow(() -> new HostStateException("open simulated host", spec.toString(),
                        "no simulator found (io.mdevgpu.sim is not on the class or module path)",
                        "Add " + SIMULATOR_ARTIFACT + " (test scope for tests) to the class or module path", null));
    }
}
