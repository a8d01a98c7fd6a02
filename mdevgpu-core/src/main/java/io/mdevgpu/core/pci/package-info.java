/**
 * The PCI configuration-space model: {@link io.mdevgpu.core.pci.PciConfigSpace} parses a physical GPU's space
 * (header, BARs as the API's {@link io.mdevgpu.Bar}, capability lists; BAR sizes from the sysfs {@code resource}
 * lines that {@code io.mdevgpu.kernel.pci.PciResource} parses), and
 * {@link io.mdevgpu.core.pci.GuestConfigSpace} builds and emulates the space a vGPU guest sees. Register offsets
 * and ids come from {@code io.mdevgpu.kernel.abi.pci.PciRegs}, the one place they live.
 */
package io.mdevgpu.core.pci;
