package io.mdevgpu.core.pci;

import io.mdevgpu.ValidationException;

/**
 * A PCI Express link: speed (the encoding of {@code PCI_EXP_LNKSTA_CLS}: 1 = 2.5 GT/s ... 6 = 64 GT/s) and
 * width in lanes. Printed {@code 32GT/s x16}.
 */
public record PcieLink(int speed, int width) {
    // Declared before GEN3_X16: the constructor reads it.
    private static final String[] SPEEDS = {"2.5GT/s", "5GT/s", "8GT/s", "16GT/s", "32GT/s", "64GT/s"};

    /** What a guest sees when the physical GPU's link is not known: PCIe 3.0 x16. */
    public static final PcieLink GEN3_X16 = new PcieLink(3, 16);

    public PcieLink {
        if (speed < 1 || speed > SPEEDS.length) {
            throw new ValidationException("PCIe link speed", Integer.toString(speed), "1 (2.5 GT/s) .. 6 (64 GT/s)");
        }
        if (width < 1 || width > 32) {
            throw new ValidationException("PCIe link width", Integer.toString(width), "1..32 lanes");
        }
    }

    /** The speed in words, e.g. {@code 32GT/s}. */
    public String speedName() {
        return SPEEDS[speed - 1];
    }

    @Override
    public String toString() {
        return speedName() + " x" + width;
    }
}
