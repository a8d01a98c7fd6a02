/** The engine behind the API: configuration, PCI model, partitioning, plans; implements the API over the kernel ports. */
module io.mdevgpu.core {
    requires transitive io.mdevgpu;
    requires io.mdevgpu.kernel;
    requires tools.jackson.core;
    requires tools.jackson.databind;
    requires tools.jackson.dataformat.toml;

    exports io.mdevgpu.core.config;
    exports io.mdevgpu.core.pci;
    exports io.mdevgpu.core.partition;
    exports io.mdevgpu.core.inventory;
    exports io.mdevgpu.core.interop;
    exports io.mdevgpu.core.host;

    provides io.mdevgpu.MdevHostProvider with io.mdevgpu.core.host.EngineHostProvider;
}
