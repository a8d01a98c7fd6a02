/**
 * The one seam to the kernel: the only module that makes downcalls. Real Linux and the simulated kernel sit
 * beneath the same ports.
 */
module io.mdevgpu.kernel {
    requires transitive io.mdevgpu;
    requires org.slf4j;

    exports io.mdevgpu.kernel;
    exports io.mdevgpu.kernel.sys;
    exports io.mdevgpu.kernel.sysfs;
    exports io.mdevgpu.kernel.pci;
    exports io.mdevgpu.kernel.nvvf;
    exports io.mdevgpu.kernel.mdev;
    exports io.mdevgpu.kernel.abi.pci;
    exports io.mdevgpu.kernel.abi.vfio;
    exports io.mdevgpu.kernel.vfio;
    exports io.mdevgpu.kernel.abi.nvrm;
    exports io.mdevgpu.kernel.nvrm;
    exports io.mdevgpu.kernel.sim;
}
