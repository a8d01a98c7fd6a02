package io.mdevgpu.core.pci;

import io.mdevgpu.ValidationException;

import java.util.ArrayList;
import java.util.List;

import static io.mdevgpu.kernel.abi.pci.PciRegs.*;

/**
 * The {@link PciConfigSpace}'s walks of the standard and extended capability lists: where each capability sits,
 * and the errors for a list that loops or points outside its range (the chain walked so far named).
 */
final class CapabilityWalk {
    private CapabilityWalk() {
    }

    static List<Capability> walkCapabilities(byte[] bytes) {
        List<Capability> caps = new ArrayList<>();
        if ((ConfigBytes.get(bytes, PCI_STATUS, 2) & PCI_STATUS_CAP_LIST) == 0) {
            return List.of();
        }
        boolean[] seen = new boolean[PCI_CFG_SPACE_SIZE / 4];
        int pos = bytes[PCI_CAPABILITY_LIST] & 0xfc;
        while (pos != 0) {
            if (pos < PCI_STD_HEADER_SIZEOF) {
                throw new ValidationException("capability list", chain(caps, pos),
                        String.format("a capability pointer must lie in 0x40..0xfc, after the header, not at 0x%02x", pos));
            }
            if (seen[pos >> 2]) {
                throw new ValidationException("capability list", chain(caps, pos),
                        String.format("loops back to 0x%02x; a capability list must end with a next pointer of 0", pos));
            }
            seen[pos >> 2] = true;
            caps.add(new Capability(pos, bytes[pos + PCI_CAP_LIST_ID] & 0xff));
            pos = bytes[pos + PCI_CAP_LIST_NEXT] & 0xfc;
        }
        return List.copyOf(caps);
    }

    static List<ExtendedCapability> walkExtendedCapabilities(byte[] bytes) {
        if (bytes.length <= PCI_CFG_SPACE_SIZE) {
            return List.of();
        }
        List<ExtendedCapability> caps = new ArrayList<>();
        boolean[] seen = new boolean[bytes.length / 4];
        int pos = PCI_CFG_SPACE_SIZE;
        while (true) {
            int header = ConfigBytes.get(bytes, pos, 4);
            if (header == 0 || header == -1) {
                break;
            }
            if (seen[pos >> 2]) {
                throw new ValidationException("extended capability list", extendedChain(caps, pos),
                        String.format("loops back to 0x%03x; an extended capability list must end with a next pointer of 0", pos));
            }
            seen[pos >> 2] = true;
            caps.add(new ExtendedCapability(pos, extCapId(header), extCapVer(header)));
            int next = extCapNext(header);
            if (next == 0) {
                break;
            }
            if (next < PCI_CFG_SPACE_SIZE) {
                throw new ValidationException("extended capability list", extendedChain(caps, next),
                        String.format("the capability at 0x%03x points to 0x%03x; extended capabilities lie in 0x100..0xffc", pos, next));
            }
            pos = next;
        }
        return List.copyOf(caps);
    }

    private static String chain(List<Capability> caps, int last) {
        StringBuilder sb = new StringBuilder();
        for (Capability c : caps) {
            sb.append(String.format("0x%02x -> ", c.offset()));
        }
        return sb.append(String.format("0x%02x", last)).toString();
    }

    private static String extendedChain(List<ExtendedCapability> caps, int last) {
        StringBuilder sb = new StringBuilder();
        for (ExtendedCapability c : caps) {
            sb.append(String.format("0x%03x -> ", c.offset()));
        }
        return sb.append(String.format("0x%03x", last)).toString();
    }
}
