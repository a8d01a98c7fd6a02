package io.mdevgpu.kernel.pci;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.OptionalLong;

import io.mdevgpu.Bar;
import io.mdevgpu.HostStateException;
import io.mdevgpu.Size;
import io.mdevgpu.ValidationException;
import io.mdevgpu.kernel.sysfs.SysfsReader;

import static io.mdevgpu.kernel.abi.pci.IoResource.IORESOURCE_IO;
import static io.mdevgpu.kernel.abi.pci.IoResource.IORESOURCE_MEM;
import static io.mdevgpu.kernel.abi.pci.IoResource.IORESOURCE_MEM_64;
import static io.mdevgpu.kernel.abi.pci.IoResource.IORESOURCE_PREFETCH;
import static io.mdevgpu.kernel.abi.pci.PciRegs.PCI_BASE_ADDRESS_MEM_TYPE_1M;
import static io.mdevgpu.kernel.abi.pci.PciRegs.PCI_BASE_ADDRESS_MEM_TYPE_MASK;
import static io.mdevgpu.kernel.abi.pci.PciRegs.PCI_SRIOV_NUM_BARS;
import static io.mdevgpu.kernel.abi.pci.PciRegs.PCI_STD_NUM_BARS;

/**
 * One line of a PCI device's sysfs {@code resource} file: the window the kernel assigned to a BAR (index
 * 0-5), the expansion ROM (6) or an SR-IOV VF BAR (7-12), as {@code start end flags} in hex. This is the one
 * parser of that file; the core's PCI model uses it too. {@link #toBar()} turns a BAR's line into the API's
 * {@link Bar}.
 *
 * @param index the line number, 0-based: the kernel's resource index
 * @param start the first bus address
 * @param end   the last bus address (inclusive); {@code 0 0} means the resource is not there
 * @param flags the kernel's {@code IORESOURCE_*} flags ({@link io.mdevgpu.kernel.abi.pci.IoResource})
 */
public record PciResource(int index, long start, long end, long flags) {
    private static final String THREE_NUMBERS = "three hex numbers with a 0x prefix: start end flags";

    /** Resource index of the expansion ROM (the kernel's {@code PCI_ROM_RESOURCE}): after the six BARs, before the VF BARs. */
    public static final int ROM_INDEX = PCI_STD_NUM_BARS;

    public PciResource {
        if (index < 0) throw new IllegalArgumentException("resource index " + index + " < 0");
    }

    /**
     * Parses the whole {@code resource} file, one {@link PciResource} per line, empty ones included, so that
     * {@code get(i)} is resource {@code i}.
     *
     * @param source names the text in errors (the file's path)
     * @throws HostStateException  naming the source and line when a line is not three 0x hex numbers, its end lies
     *                             before its start, or it spans more than 2^63 bytes
     * @throws ValidationException when the text is null
     */
    public static List<PciResource> parse(String resourceFileText, String source) {
        if (resourceFileText == null) {
            throw new ValidationException(source, null, "the text of /sys/bus/pci/devices/ADDRESS/resource is required");
        }
        List<PciResource> resources = new ArrayList<>();
        String[] lines = resourceFileText.split("\n", -1);
        int count = resourceFileText.endsWith("\n") ? lines.length - 1 : lines.length;
        for (int i = 0; i < count; i++) {
            resources.add(parseLine(i, lines[i], source));
        }
        return List.copyOf(resources);
    }

    /** {@link #parse(String, String)} for text that has no file name. */
    public static List<PciResource> parse(String resourceFileText) {
        return parse(resourceFileText, "resource");
    }

    private static PciResource parseLine(int index, String line, String source) {
        String[] fields = line.strip().split("\\s+");
        if (fields.length != 3) {
            throw malformed(source, index, line, THREE_NUMBERS);
        }
        long[] values = new long[3];
        for (int f = 0; f < 3; f++) {
            OptionalLong value = fields[f].startsWith("0x") ? SysfsReader.unsignedHex(fields[f]) : OptionalLong.empty();
            if (value.isEmpty()) throw malformed(source, index, line, THREE_NUMBERS);
            values[f] = value.getAsLong();
        }
        boolean empty = values[0] == 0 && values[1] == 0;
        if (!empty && Long.compareUnsigned(values[1], values[0]) < 0) {
            throw malformed(source, index, line, "an end not before the start");
        }
        if (!empty && values[1] - values[0] + 1 <= 0) { // size() would not fit a Size
            throw malformed(source, index, line, "a window of less than 2^63 bytes");
        }
        return new PciResource(index, values[0], values[1], values[2]);
    }

    private static HostStateException malformed(String source, int index, String line, String expected) {
        return new HostStateException("parse PCI resource", source + " line " + (index + 1),
                "malformed line \"" + line + "\", expected " + expected,
                "the kernel writes 0x%016llx 0x%016llx 0x%016llx per resource", null);
    }

    /**
     * The lines as one {@code resource} file has them: {@code resources.get(i).index() == i} for every i.
     *
     * @return an unmodifiable copy
     * @throws ValidationException naming the first line out of place
     */
    public static List<PciResource> inFileOrder(List<PciResource> resources) {
        List<PciResource> lines = List.copyOf(resources);
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).index() != i) {
                throw new ValidationException("PCI resource line " + i, lines.get(i).toString(),
                        "line " + i + " of a resource file describes resource " + i);
            }
        }
        return lines;
    }

    /** The assigned memory BARs among resources 0-5, in BAR order (a GPU's register window, aperture, BAR3). */
    public static List<PciResource> memoryBars(List<PciResource> resources) {
        List<PciResource> memory = new ArrayList<>(3);
        for (PciResource r : resources) {
            if (r.isBar() && !r.isEmpty() && r.isMemory()) memory.add(r);
        }
        return List.copyOf(memory);
    }

    /**
     * This BAR as the API's {@link Bar}. The below-1M type comes from the BAR's own type bits, which the kernel
     * keeps in the low byte of the flags.
     *
     * @throws ValidationException for the ROM, a VF BAR or an empty line, and for a window that is no BAR's
     *                             (not a power of two, an I/O window marked 64-bit)
     */
    public Bar toBar() {
        if (!isBar() || isEmpty()) {
            throw new ValidationException(label(), toString(), "only an assigned BAR, resource 0-5, is a Bar");
        }
        boolean below1M = isMemory() && (flags & PCI_BASE_ADDRESS_MEM_TYPE_MASK) == PCI_BASE_ADDRESS_MEM_TYPE_1M;
        return new Bar(index, start, size(), is64Bit(), isPrefetchable(), isIo(), below1M);
    }

    /** The line as the kernel prints it: {@code 0x%016llx 0x%016llx 0x%016llx}. */
    public String toSysfsLine() {
        HexFormat hex = HexFormat.of();
        return "0x" + hex.toHexDigits(start) + " 0x" + hex.toHexDigits(end) + " 0x" + hex.toHexDigits(flags);
    }

    /** The whole {@code resource} file for these resources, one line each, in order. */
    public static String toSysfsText(List<PciResource> resources) {
        StringBuilder sb = new StringBuilder();
        for (PciResource r : resources) sb.append(r.toSysfsLine()).append('\n');
        return sb.toString();
    }

    /** Whether the kernel assigned nothing here ({@code 0 0}). */
    public boolean isEmpty() {
        return start == 0 && end == 0;
    }

    /** {@code end - start + 1}; zero when empty. */
    public Size size() {
        return isEmpty() ? Size.ZERO : Size.bytes(end - start + 1);
    }

    public boolean isIo() { return (flags & IORESOURCE_IO) != 0; }
    public boolean isMemory() { return (flags & IORESOURCE_MEM) != 0; }
    public boolean isPrefetchable() { return (flags & IORESOURCE_PREFETCH) != 0; }
    public boolean is64Bit() { return (flags & IORESOURCE_MEM_64) != 0; }

    /** Whether this is one of the six BARs (not the ROM, not a VF BAR). */
    public boolean isBar() { return index < ROM_INDEX; }

    /** {@code BAR2}, {@code ROM}, {@code VF BAR0}, or {@code resource 13} past the known ones. */
    public String label() {
        if (index < ROM_INDEX) return "BAR" + index;
        if (index == ROM_INDEX) return "ROM";
        if (index <= ROM_INDEX + PCI_SRIOV_NUM_BARS) return "VF BAR" + (index - ROM_INDEX - 1);
        return "resource " + index;
    }

    /** The kernel's {@code %pR} words: {@code mem 64bit pref}, {@code io}. */
    public String kind() {
        return spaceWord() + attributeWords();
    }

    private String spaceWord() {
        return isIo() ? "io" : isMemory() ? "mem" : "flags 0x" + Long.toHexString(flags);
    }

    private String attributeWords() {
        return (is64Bit() ? " 64bit" : "") + (isPrefetchable() ? " pref" : "");
    }

    /** {@code BAR2 [mem 0x100000000000-0x101fffffffff 64bit pref] 128GiB}, or {@code BAR1 empty}. */
    @Override
    public String toString() {
        if (isEmpty()) return label() + " empty";
        return label() + " [" + spaceWord() + " 0x" + Long.toHexString(start) + "-0x" + Long.toHexString(end)
                + attributeWords() + "] " + size();
    }
}
