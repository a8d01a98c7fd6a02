/**
 * What other tools read: mdevctl's persistent definitions ({@link io.mdevgpu.core.interop.MdevctlStore}, its layout
 * and byte-exact JSON, {@link io.mdevgpu.core.interop.MdevctlJson}; written atomically under a lock), and libvirt's
 * node device and {@code <hostdev>} XML ({@link io.mdevgpu.core.interop.LibvirtXml}).
 */
package io.mdevgpu.core.interop;
