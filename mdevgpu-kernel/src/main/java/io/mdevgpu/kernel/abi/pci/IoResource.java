package io.mdevgpu.kernel.abi.pci;

/**
 * The resource flags that sysfs prints in the third column of a PCI device's {@code resource} file
 * ({@code IORESOURCE_*} of the kernel's {@code include/linux/ioport.h}; kernel-internal, not uapi, but
 * stable since 2.6 and part of what sysfs shows). The low byte also carries the BAR's own type bits
 * ({@link PciRegs#PCI_BASE_ADDRESS_MEM_TYPE_64}, {@link PciRegs#PCI_BASE_ADDRESS_MEM_PREFETCH}).
 */
public final class IoResource {
    private IoResource() {
    }

    public static final long IORESOURCE_IO = 0x00000100L;
    public static final long IORESOURCE_MEM = 0x00000200L;
    public static final long IORESOURCE_PREFETCH = 0x00002000L;
    public static final long IORESOURCE_READONLY = 0x00004000L;
    public static final long IORESOURCE_SIZEALIGN = 0x00040000L;
    public static final long IORESOURCE_MEM_64 = 0x00100000L;
    public static final long IORESOURCE_DISABLED = 0x10000000L;
    public static final long IORESOURCE_UNSET = 0x20000000L;
}
