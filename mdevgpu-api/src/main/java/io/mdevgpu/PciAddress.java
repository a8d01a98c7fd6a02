package io.mdevgpu;

import java.util.HexFormat;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A PCI function's address, {@code DDDD:BB:SS.F}, always printed in the kernel's lower-case full form
 * ({@code 0000:65:00.0}), the name the device has under {@code /sys/bus/pci/devices}. Ordered by domain, bus,
 * slot and function, as {@code lspci} lists devices.
 *
 * @param domain   the PCI segment (domain), 0..0xffff; 0 on most hosts
 * @param bus      the bus number, 0..0xff
 * @param slot     the device (slot) number on the bus, 0..0x1f
 * @param function the function number of the device, 0..7
 */
public record PciAddress(int domain, int bus, int slot, int function) implements Comparable<PciAddress> {
    private static final Pattern FORM =
            Pattern.compile("(?:([0-9a-fA-F]{1,4}):)?([0-9a-fA-F]{1,2}):([0-9a-fA-F]{1,2})\\.([0-7])");

    /**
     * Checks each part is in its range.
     *
     * @throws ValidationException when a part is out of its range, naming the part
     */
    public PciAddress {
        check(domain, 0xFFFF, "domain");
        check(bus, 0xFF, "bus");
        check(slot, 0x1F, "slot");
        check(function, 7, "function");
    }

    private static void check(int value, int max, String what) {
        if (value < 0 || value > max) {
            throw new ValidationException("pci address " + what, Integer.toString(value),
                    what + " must be within 0.." + Integer.toHexString(max) + " (hex)");
        }
    }

    /**
     * The address of these parts; the same as the constructor.
     *
     * @param domain   the PCI segment (domain), 0..0xffff
     * @param bus      the bus number, 0..0xff
     * @param slot     the device (slot) number, 0..0x1f
     * @param function the function number, 0..7
     * @return the address
     * @throws ValidationException when a part is out of its range, naming the part
     */
    public static PciAddress of(int domain, int bus, int slot, int function) {
        return new PciAddress(domain, bus, slot, function);
    }

    /**
     * Parses {@code "65:00.0"} (domain 0) or {@code "0000:65:00.0"}: hex digits of either case, surrounding
     * white space ignored.
     *
     * @param text the address as {@code lspci} or sysfs writes it
     * @return the address
     * @throws ValidationException when {@code text} is null or not of that form, or a part is out of its range
     */
    public static PciAddress parse(String text) {
        Matcher m = FORM.matcher(text == null ? "" : text.strip());
        if (!m.matches()) {
            throw new ValidationException("pci address", String.valueOf(text),
                    "expected DDDD:BB:SS.F or BB:SS.F in hex, e.g. 0000:65:00.0");
        }
        int domain = m.group(1) == null ? 0 : Integer.parseInt(m.group(1), 16);
        return new PciAddress(domain, Integer.parseInt(m.group(2), 16), Integer.parseInt(m.group(3), 16),
                Integer.parseInt(m.group(4)));
    }

    /**
     * {@return the NVIDIA RM gpu id of the device at this address: {@code (domain & 0xFFFF) << 16 | bus << 8 | slot}}
     * The function is not part of it.
     */
    public int rmGpuId() {
        return (domain & 0xFFFF) << 16 | bus << 8 | slot;
    }

    @Override
    public int compareTo(PciAddress o) {
        return Long.compare(sortKey(), o.sortKey());
    }

    private long sortKey() {
        return (long) domain << 16 | bus << 8 | slot << 3 | function;
    }

    /*
     * equals, hashCode and toString are written out: a record's generated ones and String.format link method handles
     * on their first call, some 10 ms of a cold CLI process, which meets addresses before anything else.
     */

    @Override
    public boolean equals(Object o) {
        return o instanceof PciAddress a && domain == a.domain && bus == a.bus && slot == a.slot && function == a.function;
    }

    /** The sort key, which the parts' ranges fit in 32 bits without overlapping. */
    @Override
    public int hashCode() {
        return (int) sortKey();
    }

    @Override
    public String toString() {
        HexFormat hex = HexFormat.of();
        return hex.toHexDigits((short) domain) + ':' + hex.toHexDigits((byte) bus) + ':' + hex.toHexDigits((byte) slot)
                + '.' + function;
    }
}
