package io.mdevgpu.core.pci;

import io.mdevgpu.ValidationException;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static io.mdevgpu.kernel.abi.pci.PciRegs.PCI_STD_NUM_BARS;

/**
 * A PCI device's sysfs {@code resource} file: one {@code 0xSTART 0xEND 0xFLAGS} line per resource, the six
 * BARs first, then the expansion ROM and (depending on the kernel) SR-IOV and bridge windows. Parsing is
 * pure; reading the file is the kernel module's job.
 *
 * @param windows the lines in order, {@code windows.get(i).index() == i}
 */
public record ResourceFile(List<BarWindow> windows) {
    public ResourceFile {
        windows = List.copyOf(windows);
        for (int i = 0; i < windows.size(); i++) {
            if (windows.get(i).index() != i) {
                throw new ValidationException("resource file", windows.get(i).toString(),
                        "line " + i + " must describe resource " + i);
            }
        }
        if (windows.size() < PCI_STD_NUM_BARS) {
            throw new ValidationException("resource file", windows.size() + " lines",
                    "a PCI device's resource file has a line for each of the " + PCI_STD_NUM_BARS + " BARs and more");
        }
    }

    /**
     * Parses the text of a sysfs {@code resource} file.
     *
     * @throws ValidationException naming the line when a line is not three hexadecimal {@code 0x} numbers, an end
     *                             lies below its start, or there are fewer than six lines
     */
    public static ResourceFile parse(String text) {
        if (text == null) {
            throw new ValidationException("resource file", null, "the text of /sys/bus/pci/devices/ADDRESS/resource is required");
        }
        List<BarWindow> windows = new ArrayList<>();
        String[] lines = text.strip().split("\n");
        for (String raw : lines) {
            String line = raw.strip();
            if (line.isEmpty() && lines.length == 1) {
                break;
            }
            String[] fields = line.split("\\s+");
            if (fields.length != 3) {
                throw badLine(windows.size(), line);
            }
            windows.add(new BarWindow(windows.size(), hex(fields[0], windows.size(), line), hex(fields[1], windows.size(), line),
                    hex(fields[2], windows.size(), line)));
        }
        return new ResourceFile(windows);
    }

    private static long hex(String field, int index, String line) {
        if (!field.startsWith("0x") || field.length() < 3 || field.length() > 18) {
            throw badLine(index, line);
        }
        long value = 0;
        for (int i = 2; i < field.length(); i++) {
            int digit = Character.digit(field.charAt(i), 16);
            if (digit < 0) {
                throw badLine(index, line);
            }
            value = value << 4 | digit;
        }
        return value;
    }

    private static ValidationException badLine(int index, String line) {
        return new ValidationException("resource line " + index, line,
                "each line is three hexadecimal numbers with a 0x prefix: start, end and flags, as sysfs prints them");
    }

    /** Line {@code index}, if the file has it. */
    public Optional<BarWindow> window(int index) {
        return index >= 0 && index < windows.size() ? Optional.of(windows.get(index)) : Optional.empty();
    }

    /** The used memory windows among the six BARs, in BAR order. */
    public List<BarWindow> memoryBars() {
        List<BarWindow> memory = new ArrayList<>(3);
        for (int i = 0; i < PCI_STD_NUM_BARS; i++) {
            BarWindow w = windows.get(i);
            if (!w.isEmpty() && w.isMemory()) {
                memory.add(w);
            }
        }
        return memory;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("ResourceFile[");
        for (BarWindow w : windows) {
            if (!w.isEmpty()) {
                sb.append(sb.length() > 13 ? "; " : "").append(w);
            }
        }
        return sb.append(']').toString();
    }
}
