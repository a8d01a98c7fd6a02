/**
 * The engine: the API ({@link io.mdevgpu.MdevHost}, {@link io.mdevgpu.ParentDevice}, {@link io.mdevgpu.MdevInstance},
 * {@link io.mdevgpu.VfioDevice}, {@link io.mdevgpu.Plan}, {@link io.mdevgpu.Definitions}) implemented over one host's
 * kernel ports, real or simulated (the simulator, io.mdevgpu.sim, through {@link io.mdevgpu.core.host.SimulatedHostFactory}).
 * {@link io.mdevgpu.core.host.EngineHostProvider} is what
 * {@link java.util.ServiceLoader} finds; {@link io.mdevgpu.core.host.EngineHost} the host.
 *
 * <p>Plan, then apply, then verify (DESIGN.md, principle 3): the {@code Planner} reads the host and changes nothing
 * (filter matching, partitioning under the running driver's limits, guest PCI identity, differences from the mdev
 * bus); the {@code Applier} changes the host step by step, journaling each GPU's earlier type table first, refuses a
 * GPU that is no vGPU host before anything is sent, reads the mdev bus back, and undoes the journal in reverse when
 * any step fails, so that an error leaves the driver's tables as they were and names the failed step.
 */
package io.mdevgpu.core.host;
