package io.mdevgpu;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A PCI identity: vendor and device, subsystem vendor and subsystem device. Printed as
 * {@code 10de:20b0 [10de:1470]} like {@code lspci -nn}. NVIDIA's vGPU types name the identity a guest sees
 * in a packed form {@code 0xDDDDSSSS} (device, subsystem device; both vendors NVIDIA): see
 * {@link #fromNvidiaPacked(long)} and {@link #nvidiaPacked()}.
 */
public record PciId(int vendor, int device, int subsystemVendor, int subsystemDevice) {
    public static final int NVIDIA = 0x10DE;

    private static final Pattern FORM = Pattern.compile(
            "([0-9a-fA-F]{4}):([0-9a-fA-F]{4})(?:\\s*\\[?([0-9a-fA-F]{4}):([0-9a-fA-F]{4})]?)?");

    public PciId {
        check(vendor, "vendor");
        check(device, "device");
        check(subsystemVendor, "subsystem vendor");
        check(subsystemDevice, "subsystem device");
    }

    private static void check(int value, String what) {
        if (value < 0 || value > 0xFFFF) {
            throw new ValidationException("pci id " + what, "0x" + Integer.toHexString(value), "must fit in 16 bits");
        }
    }

    public static PciId of(int vendor, int device) {
        return new PciId(vendor, device, 0, 0);
    }

    public static PciId of(int vendor, int device, int subsystemVendor, int subsystemDevice) {
        return new PciId(vendor, device, subsystemVendor, subsystemDevice);
    }

    /** Parses {@code "10de:2330"} or {@code "10de:2330 10de:16c1"} (also with brackets). */
    public static PciId parse(String text) {
        Matcher m = FORM.matcher(text == null ? "" : text.strip());
        if (!m.matches()) {
            throw new ValidationException("pci id", String.valueOf(text),
                    "expected VVVV:DDDD or VVVV:DDDD SSSS:SSSS in hex, e.g. 10de:20b0 10de:1470");
        }
        int sv = m.group(3) == null ? 0 : Integer.parseInt(m.group(3), 16);
        int sd = m.group(4) == null ? 0 : Integer.parseInt(m.group(4), 16);
        return new PciId(Integer.parseInt(m.group(1), 16), Integer.parseInt(m.group(2), 16), sv, sd);
    }

    /** An NVIDIA identity from the driver's packed {@code 0xDDDDSSSS} (device, subsystem device). */
    public static PciId fromNvidiaPacked(long packed) {
        if (packed < 0 || packed > 0xFFFF_FFFFL) {
            throw new ValidationException("pci id", "0x" + Long.toHexString(packed),
                    "a packed NVIDIA id is 0xDDDDSSSS: device and subsystem device, 32 bits");
        }
        return new PciId(NVIDIA, (int) (packed >>> 16), NVIDIA, (int) (packed & 0xFFFF));
    }

    /** The driver's packed form {@code device << 16 | subsystemDevice}. */
    public long nvidiaPacked() {
        return (long) device << 16 | subsystemDevice;
    }

    public PciId withSubsystem(int subsystemVendor, int subsystemDevice) {
        return new PciId(vendor, device, subsystemVendor, subsystemDevice);
    }

    public boolean hasSubsystem() {
        return subsystemVendor != 0 || subsystemDevice != 0;
    }

    @Override
    public String toString() {
        String base = String.format("%04x:%04x", vendor, device);
        return hasSubsystem() ? base + String.format(" [%04x:%04x]", subsystemVendor, subsystemDevice) : base;
    }
}
