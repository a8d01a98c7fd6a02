/**
 * The simulated kernel: a GPU host beneath the same ports as the real one ({@link io.mdevgpu.kernel.KernelPorts}), as
 * low as possible. {@link io.mdevgpu.sim.SimulatedKernel} materialises the host as a directory tree laid out
 * like {@code /sys}, {@code /dev}, {@code /proc} and {@code /etc/mdevctl.d} (the real readers and {@code mdevctl}
 * read it unchanged), answers sysfs writes with the mdev core's errnos, decodes the NVIDIA driver's ioctls in the
 * layout of the release it pretends to be ({@link io.mdevgpu.sim.SimNvidiaDriver}), serves VFIO from real fds
 * and memfd mappings ({@link io.mdevgpu.sim.SimVfioKernel}), and fails any chosen call
 * ({@link io.mdevgpu.sim.Faults}, by the typed kinds of {@link io.mdevgpu.sim.SimCall}).
 *
 * <p>For test authors: {@link io.mdevgpu.sim.SimulatedHost} opens a simulated host as an {@link io.mdevgpu.MdevHost}
 * with its faults, call record and leak check, and {@link io.mdevgpu.sim.WithSimulatedHost} hands one to each JUnit
 * test, checked for leaks and removed after it.
 */
package io.mdevgpu.sim;
