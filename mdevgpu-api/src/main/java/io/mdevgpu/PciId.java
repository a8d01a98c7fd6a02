package io.mdevgpu;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A PCI identity: vendor and device, subsystem vendor and subsystem device. Printed as
 * {@code 10de:20b0 [10de:1470]} like {@code lspci -nn}. NVIDIA's vGPU types name the identity a guest sees
 * in a packed form {@code 0xDDDDSSSS} (device, subsystem device; both vendors NVIDIA): see
 * {@link #fromNvidiaPacked(long)} and {@link #nvidiaPacked()}. Each id is 16 bits, 0 to 0xFFFF.
 *
 * @param vendor          the vendor id, sysfs {@code vendor} ({@code 0x10de} for NVIDIA)
 * @param device          the device id, sysfs {@code device}
 * @param subsystemVendor the subsystem vendor id, sysfs {@code subsystem_vendor}; 0 with the subsystem device when
 *                        not known ({@link #hasSubsystem()})
 * @param subsystemDevice the subsystem device id, sysfs {@code subsystem_device}; 0 when not known
 */
public record PciId(int vendor, int device, int subsystemVendor, int subsystemDevice) {
    /** NVIDIA's PCI vendor id, {@code 0x10de}. */
    public static final int NVIDIA = 0x10DE;

    private static final Pattern FORM = Pattern.compile(
            "([0-9a-fA-F]{4}):([0-9a-fA-F]{4})(?:\\s*\\[?([0-9a-fA-F]{4}):([0-9a-fA-F]{4})]?)?");

    /**
     * Checks every id.
     *
     * @throws ValidationException naming the id that does not fit in 16 bits
     */
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

    /**
     * {@return the identity {@code vendor:device} with no subsystem (both subsystem ids 0)}
     *
     * @param vendor the vendor id, 0 to 0xFFFF
     * @param device the device id, 0 to 0xFFFF
     * @throws ValidationException when an id does not fit in 16 bits
     */
    public static PciId of(int vendor, int device) {
        return new PciId(vendor, device, 0, 0);
    }

    /**
     * {@return the identity with all four ids}
     *
     * @param vendor          the vendor id, 0 to 0xFFFF
     * @param device          the device id, 0 to 0xFFFF
     * @param subsystemVendor the subsystem vendor id, 0 to 0xFFFF
     * @param subsystemDevice the subsystem device id, 0 to 0xFFFF
     * @throws ValidationException when an id does not fit in 16 bits
     */
    public static PciId of(int vendor, int device, int subsystemVendor, int subsystemDevice) {
        return new PciId(vendor, device, subsystemVendor, subsystemDevice);
    }

    /**
     * Parses {@code "10de:2330"} or {@code "10de:2330 10de:16c1"} (also with brackets, as {@link #toString()}
     * prints it): four hex digits each, any case; without the subsystem pair both subsystem ids are 0.
     *
     * @param text the text; null is refused
     * @return the identity
     * @throws ValidationException naming the text and the accepted forms
     */
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

    /**
     * An NVIDIA identity from the driver's packed {@code 0xDDDDSSSS} (device, subsystem device).
     *
     * @param packed the packed form, 0 to 0xFFFFFFFF
     * @return the identity, both vendors {@link #NVIDIA}
     * @throws ValidationException when {@code packed} does not fit in 32 bits
     */
    public static PciId fromNvidiaPacked(long packed) {
        if (packed < 0 || packed > 0xFFFF_FFFFL) {
            throw new ValidationException("pci id", "0x" + Long.toHexString(packed),
                    "a packed NVIDIA id is 0xDDDDSSSS: device and subsystem device, 32 bits");
        }
        return new PciId(NVIDIA, (int) (packed >>> 16), NVIDIA, (int) (packed & 0xFFFF));
    }

    /** {@return the driver's packed form {@code device << 16 | subsystemDevice}; the vendors are not in it} */
    public long nvidiaPacked() {
        return (long) device << 16 | subsystemDevice;
    }

    /**
     * {@return this vendor and device with the subsystem ids given}
     *
     * @param subsystemVendor the subsystem vendor id, 0 to 0xFFFF
     * @param subsystemDevice the subsystem device id, 0 to 0xFFFF
     * @throws ValidationException when an id does not fit in 16 bits
     */
    public PciId withSubsystem(int subsystemVendor, int subsystemDevice) {
        return new PciId(vendor, device, subsystemVendor, subsystemDevice);
    }

    /** {@return whether a subsystem id is set: false when both are 0, as {@link #of(int, int)} leaves them} */
    public boolean hasSubsystem() {
        return subsystemVendor != 0 || subsystemDevice != 0;
    }

    @Override
    public String toString() {
        String base = String.format("%04x:%04x", vendor, device);
        return hasSubsystem() ? base + String.format(" [%04x:%04x]", subsystemVendor, subsystemDevice) : base;
    }
}
