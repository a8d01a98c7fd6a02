package io.mdevgpu.kernel.abi.nvrm;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import io.mdevgpu.kernel.testing.Repository;

/**
 * The compiler's layouts of the NVIDIA RM structs, per release: the golden tables in the repository's
 * {@code abi/nvidia-rm/}, merged with their supplement and the predecessor's 510 layout (see
 * {@code abi/nvidia-rm/README.md}).
 */
final class GoldenTables {
    /** The release whose layout only the predecessor knows. */
    static final String PREDECESSOR_RELEASE = "510.47.03";

    private static final Pattern STRUCT = Pattern.compile("(\\S+) \\((.+)\\): size=(\\d+) align=(\\d+)");
    private static final Pattern FIELD = Pattern.compile("\\s+(\\S+)\\s+(\\S+)\\s+off=\\s*(\\d+)\\s+size=\\s*(\\d+)");
    private static final Pattern ABSENT = Pattern.compile("(\\S+): ABSENT");

    private GoldenTables() {
    }

    /** One field as the compiler placed it; {@code name} without the array dimension. */
    record Field(String name, String declaration, String type, long offset, long size) {
        boolean isArray() {
            return declaration.contains("[");
        }
    }

    record Struct(String name, String header, long size, long alignment, List<Field> fields) {
        Field field(String fieldName) {
            return fields.stream().filter(f -> f.name.equals(fieldName)).findFirst().orElse(null);
        }
    }

    /** A release's structs by name, and the names it declares absent. */
    record Release(String version, Map<String, Struct> structs, Set<String> absent) {
    }

    /** {@code abi/nvidia-rm} in the repository: the golden tables, {@code supplement/} and {@code predecessor/}. */
    static Path goldenDirectory() {
        return Repository.path("abi/nvidia-rm");
    }

    /** Every release with a golden table, oldest first. */
    static List<String> goldenReleases() {
        try (Stream<Path> files = Files.list(goldenDirectory())) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".txt"))
                    .map(n -> n.substring(0, n.length() - 4)).sorted(VERSION_ORDER).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the golden NVIDIA RM tables in " + goldenDirectory(), e);
        }
    }

    static final Comparator<String> VERSION_ORDER = (a, b) -> {
        String[] x = a.split("\\."), y = b.split("\\.");
        for (int i = 0; i < Math.max(x.length, y.length); i++) {
            int c = Integer.compare(i < x.length ? Integer.parseInt(x[i]) : -1, i < y.length ? Integer.parseInt(y[i]) : -1);
            if (c != 0) return c;
        }
        return 0;
    };

    /** The golden table of {@code version} merged with the supplement; for 510, the predecessor's over 515's. */
    static Release load(String version) {
        if (version.equals(PREDECESSOR_RELEASE)) {
            Release base = load(goldenReleases().getFirst());
            Release own = parse(version, table("predecessor/" + version + ".txt"));
            Map<String, Struct> structs = new LinkedHashMap<>(base.structs);
            structs.putAll(own.structs);
            return new Release(version, structs, Set.of());
        }
        Release main = parse(version, table(version + ".txt"));
        Release extra = parse(version, table("supplement/" + version + ".txt"));
        Map<String, Struct> structs = new LinkedHashMap<>(main.structs);
        structs.putAll(extra.structs);
        Set<String> absent = new LinkedHashSet<>(main.absent);
        absent.addAll(extra.absent);
        return new Release(version, structs, absent);
    }

    static Release parse(String version, String text) {
        Map<String, Struct> structs = new LinkedHashMap<>();
        Set<String> absent = new LinkedHashSet<>();
        String name = null, header = null;
        long size = 0, alignment = 0;
        List<Field> fields = new ArrayList<>();
        for (String line : (text + "\nEND: ABSENT").split("\n")) {
            if (line.isBlank()) continue;
            Matcher s = STRUCT.matcher(line), f = FIELD.matcher(line), a = ABSENT.matcher(line);
            if (f.matches()) {
                if (name == null) throw new IllegalArgumentException(version + ": field before any struct: " + line);
                String declaration = f.group(1);
                int bracket = declaration.indexOf('[');
                fields.add(new Field(bracket < 0 ? declaration : declaration.substring(0, bracket), declaration, f.group(2),
                        Long.parseLong(f.group(3)), Long.parseLong(f.group(4))));
                continue;
            }
            if (name != null) {
                structs.put(name, new Struct(name, header, size, alignment, List.copyOf(fields)));
                name = null;
                fields.clear();
            }
            if (s.matches()) {
                name = s.group(1);
                header = s.group(2);
                size = Long.parseLong(s.group(3));
                alignment = Long.parseLong(s.group(4));
            } else if (a.matches()) {
                if (!a.group(1).equals("END")) absent.add(a.group(1));
            } else {
                throw new IllegalArgumentException(version + ": unreadable line: " + line);
            }
        }
        return new Release(version, structs, absent);
    }

    private static String table(String name) {
        Path file = goldenDirectory().resolve(name);
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the NVIDIA RM layout table " + file, e);
        }
    }
}
