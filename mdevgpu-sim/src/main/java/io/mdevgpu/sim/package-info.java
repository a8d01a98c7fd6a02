/**
 * The simulated kernel: a GPU host beneath the same ports as the real one ({@link io.mdevgpu.kernel.KernelPorts}), as
 * low as possible. {@link io.mdevgpu.sim.SimulatedKernel} materialises the host as a directory tree laid out
 * like {@code /sys}, {@code /dev}, {@code /proc} and {@code /etc/mdevctl.d} (the real readers and {@code mdevctl}
 * read it unchanged), answers sysfs writes with the mdev core's errnos, decodes the NVIDIA driver's ioctls in the
 * layout of the release it pretends to be ({@link io.mdevgpu.sim.SimNvidiaDriver}), serves VFIO from real fds
 * and memfd mappings ({@link io.mdevgpu.sim.SimVfioKernel}), and fails any chosen call
 * ({@link io.mdevgpu.sim.Faults}).
 */
package io.mdevgpu.sim;
