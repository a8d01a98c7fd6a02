/**
 * The engine behind the API: configuration, PCI model, partitioning, plans; implements the API over the kernel ports.
 * The simulator (io.mdevgpu.sim) is found through {@link java.util.ServiceLoader} and never imported; the engine's
 * packages are exported only to the modules that need them.
 */
module io.mdevgpu.core {
    requires transitive io.mdevgpu;
    requires io.mdevgpu.kernel;
    requires tools.jackson.core;
    requires tools.jackson.databind;
    requires tools.jackson.dataformat.toml;

    exports io.mdevgpu.core.config to io.mdevgpu.cli;
    exports io.mdevgpu.core.pci to io.mdevgpu.sim, io.mdevgpu.cli, io.mdevgpu.bench;
    exports io.mdevgpu.core.partition to io.mdevgpu.cli, io.mdevgpu.bench;
    exports io.mdevgpu.core.inventory to io.mdevgpu.sim;
    exports io.mdevgpu.core.interop to io.mdevgpu.cli;
    exports io.mdevgpu.core.host to io.mdevgpu.sim, io.mdevgpu.cli;

    uses io.mdevgpu.core.host.SimulatedHostFactory;

    provides io.mdevgpu.MdevHostProvider with io.mdevgpu.core.host.EngineHostProvider;
}
