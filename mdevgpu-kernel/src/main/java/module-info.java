/**
 * The one seam to the kernel: the only module that makes downcalls. Real Linux and the simulated kernel sit
 * beneath the same ports.
 */
module io.mdevgpu.kernel {
    requires transitive io.mdevgpu;

    exports io.mdevgpu.kernel.sys;
    exports io.mdevgpu.kernel.abi.vfio;
    exports io.mdevgpu.kernel.vfio;
}
