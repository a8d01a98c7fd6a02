/**
 * What other tools read: mdevctl's persistent definitions ({@link io.mdevgpu.core.interop.MdevctlStore}, its layout
 * and byte-exact JSON, {@link io.mdevgpu.core.interop.MdevctlJson}), the definitions of vGPUs on SR-IOV virtual
 * functions beside them ({@link io.mdevgpu.core.interop.VfDefinitionStore}, mdevgpu's own format,
 * {@link io.mdevgpu.core.interop.VfDefinitionJson}), both written atomically under a lock
 * ({@link io.mdevgpu.core.interop.AtomicFiles}); libvirt's node device and {@code <hostdev>} XML
 * ({@link io.mdevgpu.core.interop.LibvirtXml}), QEMU's arguments ({@link io.mdevgpu.core.interop.QemuArgs}) and the
 * inventory JSON of VF vGPUs ({@link io.mdevgpu.core.interop.VfInventory}). docs/vf-definitions.md documents the
 * formats of mdevgpu's own.
 */
package io.mdevgpu.core.interop;
