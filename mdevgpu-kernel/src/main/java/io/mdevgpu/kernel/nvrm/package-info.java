/**
 * The NVIDIA Resource Manager client: {@link io.mdevgpu.kernel.nvrm.RmClient} speaks the RM ioctls of the running
 * driver's release over an {@link io.mdevgpu.kernel.nvrm.RmTransport}, the real one or the simulated driver's.
 */
package io.mdevgpu.kernel.nvrm;
