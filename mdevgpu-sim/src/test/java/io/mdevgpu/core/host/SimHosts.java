package io.mdevgpu.core.host;

import io.mdevgpu.MdevType;
import io.mdevgpu.PciAddress;
import io.mdevgpu.core.inventory.HostInventory;
import io.mdevgpu.core.inventory.InventoryLoader;
import io.mdevgpu.sim.Faults;
import io.mdevgpu.sim.SimulatedHostProvider;
import io.mdevgpu.sim.SimulatedKernel;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;

/** Simulated hosts for the engine's tests, and what to compare before and after. */
final class SimHosts {
    static final Path SAMPLE_CONFIGS = Path.of("..", "samples", "config");
    static final PciAddress A100_1 = PciAddress.parse("0000:17:00.0");
    static final PciAddress A100_2 = PciAddress.parse("0000:65:00.0");
    static final PciAddress T4 = PciAddress.parse("0000:b3:00.0");

    private SimHosts() {
    }

    static EngineHost open(String inventory) {
        return open(InventoryLoader.builtIn(inventory), new Faults());
    }

    static EngineHost open(HostInventory inventory, Faults faults) {
        return SimulatedHostProvider.simulated(inventory, faults, Optional.empty());
    }

    static SimulatedKernel sim(EngineHost host) {
        return (SimulatedKernel) host.kernel();
    }

    static Path sample(String profile) {
        return SAMPLE_CONFIGS.resolve(profile + ".toml");
    }

    /** An inventory of one A100 40GB and one T4 on driver {@code version}, vGPU host. */
    static HostInventory twoGpus(String version) {
        return InventoryLoader.parse("""
                schema = 1
                name = "two"
                description = "an A100 and a T4"
                [driver]
                version = "%s"
                [[gpu]]
                address = "0000:65:00.0"
                model = "a100-40g"
                [[gpu]]
                address = "0000:b3:00.0"
                model = "t4"
                """.formatted(version), null);
    }

    /** The driver's type tables, only the GPUs that have types. */
    static Map<PciAddress, List<MdevType>> tables(EngineHost host) {
        Map<PciAddress, List<MdevType>> out = new TreeMap<>();
        sim(host).typeTables().forEach((a, t) -> {
            if (!t.isEmpty()) out.put(a, t);
        });
        return out;
    }

    /** Every file under the simulated host's mdevctl root, with its content. */
    static Map<String, String> definitionFiles(EngineHost host) {
        Map<String, String> out = new TreeMap<>();
        Path root = host.kernel().mdevctlRoot();
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.filter(Files::isRegularFile).toList()) out.put(root.relativize(p).toString(), Files.readString(p));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }
}
