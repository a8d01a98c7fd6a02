/** NVIDIA's vendor-specific VFIO vGPUs on SR-IOV virtual functions: the VF's {@code nvidia/} sysfs files. */
package io.mdevgpu.kernel.nvvf;
