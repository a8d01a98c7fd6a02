/**
 * Partitioning a GPU among vGPU types: {@link io.mdevgpu.core.partition.GpuModel} (and the built-in
 * {@link io.mdevgpu.core.partition.GpuCatalogue}) describes the GPU, {@link io.mdevgpu.core.partition.PartitionPlanner}
 * computes each type's capacity and placements or a concrete mix, {@link io.mdevgpu.core.partition.ProfileGenerator}
 * splits a GPU into 1/n types by the predecessor's rule. Pure: no I/O.
 */
package io.mdevgpu.core.partition;
