package io.mdevgpu.sim;

import io.mdevgpu.HostSpec;
import io.mdevgpu.core.host.EngineHost;
import io.mdevgpu.core.host.SimulatedHostFactory;
import io.mdevgpu.core.inventory.HostInventory;
import io.mdevgpu.core.inventory.InventoryGpu;
import io.mdevgpu.core.inventory.InventoryLoader;

import java.nio.file.Path;
import java.util.Optional;

/**
 * The simulated host, as the engine finds it through {@link java.util.ServiceLoader}: a {@link SimulatedKernel}
 * built from an inventory ({@link InventoryLoader#resolve}) with the core's guest config spaces, handed to
 * {@link EngineHost#over}.
 */
public final class SimulatedHostProvider implements SimulatedHostFactory {
    @Override
    public EngineHost open(HostSpec spec) {
        return simulated(spec, InventoryLoader.resolve(spec.simulatedInventory().orElseThrow()), new Faults());
    }

    /**
     * A simulated host of {@code inventory} whose kernel counts and fails calls with {@code faults}, its tree in
     * {@code root} (kept) or a temporary directory (deleted on close). {@link EngineHost#kernel()} is its
     * {@link SimulatedKernel}.
     */
    public static EngineHost simulated(HostInventory inventory, Faults faults, Optional<Path> root) {
        return simulated(root.map(r -> HostSpec.simulatedAt(inventory.name(), r)).orElseGet(() -> HostSpec.simulated(inventory.name())),
                inventory, faults);
    }

    /** The simulated host of the inventory {@code nameOrFile} (a built-in name or a TOML file), as {@link #simulated(HostInventory, Faults, Optional)}. */
    static EngineHost simulated(String nameOrFile, Faults faults, Optional<Path> root) {
        HostSpec spec = root.map(r -> HostSpec.simulatedAt(nameOrFile, r)).orElseGet(() -> HostSpec.simulated(nameOrFile));
        return simulated(spec, InventoryLoader.resolve(nameOrFile), faults);
    }

    /**
     * The simulated host {@code spec} names (its {@link EngineHost#spec()} is that spec, which says whether it is kept
     * in a directory, with the temporary directory its tree is in when not; its own tree's roots are
     * {@link EngineHost#kernel()}'s).
     */
    private static EngineHost simulated(HostSpec spec, HostInventory inventory, Faults faults) {
        SimulatedKernel kernel = new SimulatedKernel(spec(inventory, spec.simulationRoot()), GuestConfigs.INSTANCE, faults);
        try {
            HostSpec opened = spec.simulationRoot().isPresent() ? spec : spec.withTemporaryTree(kernel.root());
            return EngineHost.over(opened, kernel, Optional.of(inventory));
        } catch (RuntimeException e) {
            kernel.close();
            throw e;
        }
    }

    /** The simulated kernel's description of the host {@code inventory} describes. */
    public static SimulatedHostSpec spec(HostInventory inventory, Optional<Path> root) {
        SimulatedHostSpec.Builder b = SimulatedHostSpec.newBuilder().driverVersion(inventory.driver().version());
        for (InventoryGpu g : inventory.gpus()) {
            b.gpu(new SimulatedGpu(g.device(), g.model(), g.framebuffer(), g.virtualizationMode(), g.sriov()));
        }
        root.ifPresent(b::root);
        return b.build();
    }
}
