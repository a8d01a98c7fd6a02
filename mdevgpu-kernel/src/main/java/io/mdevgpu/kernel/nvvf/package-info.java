/**
 * NVIDIA's vendor-specific VFIO vGPUs on SR-IOV virtual functions: the VF's {@code nvidia/} sysfs files, through
 * {@link io.mdevgpu.kernel.nvvf.NvidiaVfPort} ({@link io.mdevgpu.kernel.nvvf.LinuxNvidiaVf} on a real or fake tree),
 * and the driver's {@code creatable_vgpu_types} text ({@link io.mdevgpu.kernel.nvvf.CreatableTypesFile}).
 */
package io.mdevgpu.kernel.nvvf;
