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
        return simulated(spec, new Faults());
    }

    /**
     * A simulated host of {@code inventory} whose kernel counts and fails calls with {@code faults}, its tree in
     * {@code root} (kept) or a temporary directory (deleted on close). {@link EngineHost#kernel()} is its
     * {@link SimulatedKernel}.
     */
    public static EngineHost simulated(HostInventory inventory, Faults faults, Optional<Path> root) {
        return simulated(root.map(r -> HostSpec.simulatedAt(inventory.name(), r)).orElseGet(() -> HostSpec.simulated(inventory.name())),
                inventory, faults, null);
    }

    /** The simulated host of the inventory {@code nameOrFile} (a built-in name or a TOML file), as {@link #simulated(HostInventory, Faults, Optional)}. */
    static EngineHost simulated(String nameOrFile, Faults faults, Optional<Path> root) {
        return simulated(root.map(r -> HostSpec.simulatedAt(nameOrFile, r)).orElseGet(() -> HostSpec.simulated(nameOrFile)),
                faults);
    }

    /** The simulated host {@code spec} names, from the inventory {@link #inventory(HostSpec)} gives. */
    private static EngineHost simulated(HostSpec spec, Faults faults) {
        Inventory inventory = inventory(spec);
        return simulated(spec, inventory.resolved(), faults, inventory.toKeep());
    }

    /**
     * The inventory of a simulated host to open, and for a host kept in a directory whose kept inventory it is not, what
     * to keep once the host is open.
     */
    record Inventory(HostInventory resolved, KeptInventory toKeep) {
    }

    /**
     * The inventory {@code spec} names. A host kept in a directory has it from the inventory kept there
     * ({@link KeptInventory}) while {@code spec} names the same inventory, unchanged; otherwise it is resolved, and a
     * kept host keeps it for the next open.
     */
    static Inventory inventory(HostSpec spec) {
        String argument = spec.simulatedInventory().orElseThrow();
        Optional<Path> root = spec.simulationRoot();
        // the text before the resolve, read once for both: a file changed in between is kept under its older text,
        // which the next open finds changed, and resolves again
        Optional<String> source = root.isPresent() ? InventoryLoader.source(argument) : Optional.empty();
        Optional<HostInventory> kept = root.flatMap(r -> KeptInventory.read(r, argument, source));
        if (kept.isPresent()) return new Inventory(kept.get(), null);
        HostInventory inventory = InventoryLoader.resolve(argument);
        return new Inventory(inventory, source.map(text -> new KeptInventory(KeptInventory.keyOf(argument), text, inventory))
                .orElse(null));
    }

    /**
     * The simulated host {@code spec} names (its {@link EngineHost#spec()} is that spec, which says whether it is kept
     * in a directory, with the temporary directory its tree is in when not; its own tree's roots are
     * {@link EngineHost#kernel()}'s).
     */
    private static EngineHost simulated(HostSpec spec, HostInventory inventory, Faults faults, KeptInventory keep) {
        SimulatedKernel kernel = new SimulatedKernel(spec(inventory, spec.simulationRoot()), GuestConfigs.INSTANCE, faults);
        try {
            if (keep != null) kernel.keep(KeptInventory.FILE, keep.text()); // the kernel took it: the host is this one
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
