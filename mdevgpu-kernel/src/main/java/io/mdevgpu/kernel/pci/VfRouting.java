package io.mdevgpu.kernel.pci;

import java.util.Objects;

import io.mdevgpu.PciAddress;
import io.mdevgpu.ValidationException;

/**
 * Where a physical function's VFs appear, as the PCI spec (and the kernel's {@code pci_iov_virtfn_bus} and
 * {@code pci_iov_virtfn_devfn}) computes it: VF {@code n} has the routing ID (bus, device and function as one 16-bit
 * number) of the PF plus {@code offset + n * stride}, in the PF's domain. With ARI, as on NVIDIA's GPUs, that runs
 * through the function bits: the PF {@code 0001:04:00.0} with offset 2 and stride 1 has its VFs at
 * {@code 0001:04:00.2}, {@code 00.3}, ..., {@code 01.0}, .... Pure.
 */
public final class VfRouting {
    private VfRouting() {
    }

    /**
     * The address of VF {@code index} (0 for {@code virtfn0}) of {@code pf}.
     *
     * @throws ValidationException for a negative index, an offset below 1 or a stride below 1 (the spec's minimum
     *                             once VFs exist), or a routing ID past the last bus
     */
    public static PciAddress address(PciAddress pf, int offset, int stride, int index) {
        Objects.requireNonNull(pf, "pf");
        if (index < 0) throw new ValidationException("VF index", Integer.toString(index), ">= 0 (virtfn0 is 0)");
        if (offset < 1) throw new ValidationException("SR-IOV VF offset of " + pf, Integer.toString(offset), ">= 1");
        if (stride < 1) throw new ValidationException("SR-IOV VF stride of " + pf, Integer.toString(stride), ">= 1");
        long routingId = routingId(pf) + offset + (long) index * stride;
        if (routingId > 0xffff) {
            throw new ValidationException("VF " + index + " of " + pf, Long.toHexString(routingId),
                    "a routing ID on a bus (at most ffff): offset " + offset + " and stride " + stride + " run past bus ff");
        }
        int rid = (int) routingId;
        return PciAddress.of(pf.domain(), rid >>> 8, (rid >>> 3) & 0x1f, rid & 0x7);
    }

    /** The 16-bit routing ID of {@code address}: bus, device and function. */
    public static int routingId(PciAddress address) {
        return address.bus() << 8 | address.slot() << 3 | address.function();
    }
}
