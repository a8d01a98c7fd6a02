package io.mdevgpu.kernel.nvvf;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

import io.mdevgpu.HostStateException;
import io.mdevgpu.kernel.nvvf.NvidiaVfPort.CreatableType;
import io.mdevgpu.kernel.sysfs.SysfsReader;

/**
 * The text of a VF's {@code nvidia/creatable_vgpu_types}, both ways. NVIDIA's driver writes a header line
 * {@code ID    : vGPU Name} and then one {@code "%-5d : %s"} line per type:
 * <pre>
 * ID    : vGPU Name
 * 1147  : NVIDIA L40S-1Q
 * 1148  : NVIDIA L40S-2Q
 * </pre>
 * A VF that can take no more types shows the header alone. Reading is strict: a line that is neither the header
 * nor {@code ID : NAME} with a positive decimal id and a name, or an id listed twice, raises a
 * {@link HostStateException} naming the file, the line number and the line.
 */
public final class CreatableTypesFile {
    /** The header line the driver writes first; its id column reads {@code ID}. */
    public static final String HEADER = "ID    : vGPU Name";

    private CreatableTypesFile() {
    }

    /**
     * Parses {@code text}, read from {@code file} (named in errors only).
     *
     * @throws HostStateException for a line that is not the driver's
     */
    public static List<CreatableType> parse(Path file, String text) {
        Objects.requireNonNull(file, "file");
        List<CreatableType> types = new ArrayList<>();
        Set<Integer> ids = new HashSet<>();
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            if (line.isBlank()) continue;
            int colon = line.indexOf(':');
            if (colon < 0) throw badLine(file, i + 1, line, "no ':' between the type id and its name");
            String id = line.substring(0, colon).strip();
            String name = line.substring(colon + 1).strip();
            if (id.equalsIgnoreCase("ID")) continue; // the header, wherever the driver repeats it
            if (id.isEmpty() || id.length() > 9 || !id.chars().allMatch(c -> c >= '0' && c <= '9')) {
                throw badLine(file, i + 1, line, "the type id \"" + id + "\" is not a decimal number");
            }
            int typeId = Integer.parseInt(id);
            if (typeId == 0) throw badLine(file, i + 1, line, "type id 0 means 'no type' and is never creatable");
            if (name.isEmpty()) throw badLine(file, i + 1, line, "type " + typeId + " has no name");
            if (!ids.add(typeId)) throw badLine(file, i + 1, line, "type " + typeId + " is listed twice");
            types.add(new CreatableType(typeId, name));
        }
        return List.copyOf(types);
    }

    /** The file's text as the driver writes it: the header, then {@code "%-5d : %s\n"} per type. */
    public static String format(List<CreatableType> types) {
        StringBuilder text = new StringBuilder(HEADER).append('\n');
        for (CreatableType type : types) {
            text.append(String.format(Locale.ROOT, "%-5d : %s", type.id(), type.name())).append('\n');
        }
        return text.toString();
    }

    /** {@code 1428 (NVIDIA H200X-141C), 1414 (NVIDIA H200X-1-18C)}, or {@code none}: for error messages. */
    public static String describe(List<CreatableType> types) {
        if (types.isEmpty()) return "none";
        List<String> parts = new ArrayList<>();
        for (CreatableType type : types) parts.add(type.id() + " (" + type.name() + ")");
        return String.join(", ", parts);
    }

    private static HostStateException badLine(Path file, int number, String line, String problem) {
        return SysfsReader.unexpected(file, "line " + number + " \"" + line.strip() + "\" is not \"ID : NAME\": " + problem);
    }
}
