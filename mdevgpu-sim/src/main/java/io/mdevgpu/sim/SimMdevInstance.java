package io.mdevgpu.sim;

import java.util.UUID;

import io.mdevgpu.MdevType;

/** An mdev instance as the simulated mdev core knows it: its parent, type and IOMMU group. */
record SimMdevInstance(UUID uuid, SimMdevParent parent, String typeId, MdevType type, int group) {
}
