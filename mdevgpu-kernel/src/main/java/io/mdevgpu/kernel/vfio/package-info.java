/**
 * The VFIO port: {@link io.mdevgpu.kernel.vfio.Vfio} opens {@link io.mdevgpu.kernel.vfio.VfioContainer containers},
 * {@link io.mdevgpu.kernel.vfio.VfioGroup groups} and {@link io.mdevgpu.kernel.vfio.VfioDevice device fds}, with
 * their {@link io.mdevgpu.kernel.vfio.VfioRegion regions}, {@link io.mdevgpu.kernel.vfio.VfioMapping mappings} and
 * {@link io.mdevgpu.kernel.vfio.VfioInterrupts interrupts}, over a {@link io.mdevgpu.kernel.vfio.VfioKernel}: the
 * real one ({@link io.mdevgpu.kernel.vfio.LinuxVfioKernel}) or the simulated one, which implements the same
 * system calls over memfds and so runs every line of this package.
 *
 * <p>Container, group, device, mapping and interrupts are the owners: each is {@link java.lang.AutoCloseable} and
 * owns one {@link java.lang.foreign.Arena}; a parent closes its children first, in the kernel's order (interrupts
 * and mappings, device fds, {@code VFIO_GROUP_UNSET_CONTAINER}, group, container), every step even after one fails.
 * Values ({@link io.mdevgpu.kernel.vfio.VfioDeviceInfo}, {@link io.mdevgpu.kernel.vfio.VfioRegionInfo},
 * {@link io.mdevgpu.kernel.vfio.VfioIrqInfo}, {@link io.mdevgpu.kernel.vfio.VfioIommuInfo}) are immutable records.
 */
package io.mdevgpu.kernel.vfio;
