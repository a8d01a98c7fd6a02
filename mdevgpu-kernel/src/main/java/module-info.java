/**
 * The one seam to the kernel: the only module that makes downcalls. Real Linux and the simulated kernel (the module
 * io.mdevgpu.sim, a testing artifact) sit beneath the same ports. Every package is exported only to the modules
 * that need it.
 */
module io.mdevgpu.kernel {
    requires transitive io.mdevgpu;
    requires org.slf4j;

    exports io.mdevgpu.kernel to io.mdevgpu.core, io.mdevgpu.sim;
    exports io.mdevgpu.kernel.sys to io.mdevgpu.sim, io.mdevgpu.bench;
    exports io.mdevgpu.kernel.sysfs to io.mdevgpu.core, io.mdevgpu.sim;
    exports io.mdevgpu.kernel.pci to io.mdevgpu.core, io.mdevgpu.sim, io.mdevgpu.cli;
    exports io.mdevgpu.kernel.nvvf to io.mdevgpu.core, io.mdevgpu.sim;
    exports io.mdevgpu.kernel.mdev to io.mdevgpu.core, io.mdevgpu.sim;
    exports io.mdevgpu.kernel.abi to io.mdevgpu.cli;
    exports io.mdevgpu.kernel.abi.pci to io.mdevgpu.core, io.mdevgpu.sim, io.mdevgpu.bench;
    exports io.mdevgpu.kernel.abi.vfio to io.mdevgpu.sim, io.mdevgpu.cli, io.mdevgpu.bench;
    exports io.mdevgpu.kernel.vfio to io.mdevgpu.core, io.mdevgpu.sim, io.mdevgpu.bench;
    exports io.mdevgpu.kernel.abi.nvrm to io.mdevgpu.core, io.mdevgpu.sim, io.mdevgpu.cli, io.mdevgpu.bench;
    exports io.mdevgpu.kernel.nvrm to io.mdevgpu.core, io.mdevgpu.sim, io.mdevgpu.cli;
}
