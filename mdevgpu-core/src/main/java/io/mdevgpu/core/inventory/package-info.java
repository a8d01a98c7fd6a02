/**
 * Simulated host inventories: {@link io.mdevgpu.core.inventory.InventoryLoader} reads {@code samples/hosts/*.toml}
 * (built into the library) or any inventory file, as strictly as configurations, into a
 * {@link io.mdevgpu.core.inventory.HostInventory}: the NVIDIA driver release and mode, and each GPU as sysfs would
 * show it, its BAR windows and configuration space made from a catalogue model.
 */
package io.mdevgpu.core.inventory;
