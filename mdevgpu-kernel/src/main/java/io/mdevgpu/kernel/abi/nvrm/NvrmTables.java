package io.mdevgpu.kernel.abi.nvrm;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.foreign.GroupLayout;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The NVIDIA RM layout tables, the one source of the RM ABI: per release, every struct mdevgpu sends, as gcc laid it
 * out from NVIDIA's headers. They live in the repository's {@code abi/nvidia-rm/} ({@code <release>.txt}, merged with
 * {@code supplement/<release>.txt}; {@code predecessor/510.47.03.txt} over 515's), which the build copies into this
 * jar; {@link #bundled()} reads that copy. {@link NvrmAbi} builds each family's struct layouts from them and the
 * simulated driver reads the bytes it receives by their offsets.
 *
 * <p>The format: a line per struct ({@code NAME (header.h): size=N align=N}), a line per field
 * ({@code   declaration type off=N size=N}), and {@code NAME: ABSENT} where a release has no such struct.
 */
public final class NvrmTables {
    /** The release whose layout only the predecessor knows: its own structs over {@link #PREDECESSOR_BASE}'s. */
    public static final String PREDECESSOR_RELEASE = "510.47.03";
    /** The release whose structs the predecessor's 510 layout does not describe are taken from. */
    public static final String PREDECESSOR_BASE = "515.43.04";

    /** Where the build puts the tables in this jar, beside this class (a name that is no package: never encapsulated). */
    private static final String BUNDLED = "nvidia-rm/";
    private static final NvrmTables BUNDLED_TABLES = new NvrmTables(null);

    /**
     * One field as the compiler placed it.
     *
     * @param name        without the array dimension: {@code vgpuName}
     * @param declaration as the header declares it: {@code vgpuName[NVA081_VGPU_STRING_BUFFER_SIZE]}
     * @param type        the C type: {@code NvU8}, or a struct's name
     */
    public record Field(String name, String declaration, String type, long offset, long size) {
        public boolean isArray() {
            return declaration.contains("[");
        }

        /** The width of one element: the scalar's size (an array's element's), or the whole field for a struct. */
        public long elementSize() {
            long scalar = StructLayouts.scalarSize(type);
            return scalar > 0 ? scalar : size;
        }

        /** How many elements the field holds: 1 unless it is an array. */
        public long count() {
            return size / elementSize();
        }

        /** The field's integer in the struct at {@code base} of {@code s}, zero-extended. */
        public long get(MemorySegment s, long base) {
            return get(s, base, 0);
        }

        /** Element {@code index} of the array field in the struct at {@code base} of {@code s}, zero-extended. */
        public long get(MemorySegment s, long base, long index) {
            return Slot.read(s, at(base, index), elementSize());
        }

        /** Writes {@code value} into the field, truncated to its width. */
        public void put(MemorySegment s, long base, long value) {
            put(s, base, 0, value);
        }

        /** Writes {@code value} into element {@code index} of the array field, truncated to its width. */
        public void put(MemorySegment s, long base, long index, long value) {
            Slot.write(s, at(base, index), elementSize(), value);
        }

        /** The field as a NUL-terminated UTF-8 string (up to its size where it has no NUL). */
        public String getString(MemorySegment s, long base) {
            return CStrings.read(s, base + offset, size);
        }

        /** Writes {@code value} NUL-terminated into the field, the rest zeroed; see {@link CStrings#write}. */
        public void putString(MemorySegment s, long base, String value) {
            CStrings.write(s, base + offset, size, value);
        }

        /** Whether the field holds a NUL within its size. */
        public boolean isTerminated(MemorySegment s, long base) {
            return CStrings.isTerminated(s, base + offset, size);
        }

        private long at(long base, long index) {
            java.util.Objects.checkIndex(index, count());
            return base + offset + index * elementSize();
        }
    }

    /** One struct as the compiler laid it out, fields in declaration order. */
    public record Struct(String name, String header, long size, long alignment, List<Field> fields) {
        public Struct {
            fields = List.copyOf(fields);
        }

        /**
         * The field {@code fieldName}.
         *
         * @throws IllegalArgumentException naming the struct where it has no such field
         */
        public Field require(String fieldName) {
            return field(fieldName).orElseThrow(() -> new IllegalArgumentException(name + " has no field " + fieldName));
        }

        /** The field {@code fieldName}, if the struct has it. */
        public Optional<Field> field(String fieldName) {
            for (Field f : fields) {
                if (f.name().equals(fieldName)) return Optional.of(f);
            }
            return Optional.empty();
        }
    }

    /**
     * A release's structs by name, in table order, the names its table declares absent, and the control command
     * numbers its header defines (by macro name).
     *
     * @param release the release the table was printed from, {@code 595.45.04}
     */
    public record Table(String release, Map<String, Struct> structs, Set<String> absent, Map<String, Integer> controls) {
        public Table {
            structs = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(structs));
            absent = java.util.Collections.unmodifiableSet(new LinkedHashSet<>(absent));
            controls = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(controls));
        }

        /** A table without control numbers. */
        public Table(String release, Map<String, Struct> structs, Set<String> absent) {
            this(release, structs, absent, Map.of());
        }

        /**
         * The struct {@code name}.
         *
         * @throws IllegalArgumentException naming the release where its table has no such struct
         */
        public Struct struct(String name) {
            Struct s = structs.get(name);
            if (s == null) throw new IllegalArgumentException("the NVIDIA RM layout table of " + release + " has no " + name);
            return s;
        }

        /**
         * Every struct as a {@link GroupLayout} laid out by C's rules from the field names, types and array lengths
         * alone, and checked against the compiler's offsets and sizes.
         *
         * @throws IllegalStateException naming the struct and field where the table contradicts itself
         */
        public Map<String, GroupLayout> layouts() {
            return StructLayouts.of(this);
        }
    }

    private final Path directory; // null: the copy in this jar
    private final Map<String, Table> loaded = new ConcurrentHashMap<>(); // the jar's tables never change

    private NvrmTables(Path directory) {
        this.directory = directory;
    }

    /** The tables the build copied into this jar from {@code abi/nvidia-rm/}; each is read once and kept. */
    public static NvrmTables bundled() {
        return BUNDLED_TABLES;
    }

    /** The tables in {@code directory}, laid out as {@code abi/nvidia-rm/}: for tests and for a release not yet bundled. */
    public static NvrmTables in(Path directory) {
        return new NvrmTables(Objects.requireNonNull(directory, "directory"));
    }

    /**
     * The table of {@code release} merged with its supplement (both must exist); for {@link #PREDECESSOR_RELEASE}, the
     * predecessor's structs over {@link #PREDECESSOR_BASE}'s.
     *
     * @throws IllegalArgumentException naming the file where a table is missing or unreadable
     */
    public Table load(String release) {
        if (directory != null) return read(release);
        Table t = loaded.get(release);
        if (t == null) {
            t = read(release);
            loaded.putIfAbsent(release, t);
        }
        return t;
    }

    private Table read(String release) {
        if (release.equals(PREDECESSOR_RELEASE)) {
            Table base = load(PREDECESSOR_BASE);
            Table own = parse(release, text("predecessor/" + release + ".txt"));
            Map<String, Struct> structs = new LinkedHashMap<>(base.structs());
            structs.putAll(own.structs());
            return new Table(release, structs, Set.of(), base.controls());
        }
        Table main = parse(release, text(release + ".txt"));
        Table extra = parse(release, text("supplement/" + release + ".txt"));
        Map<String, Struct> structs = new LinkedHashMap<>(main.structs());
        structs.putAll(extra.structs());
        Set<String> absent = new LinkedHashSet<>(main.absent());
        absent.addAll(extra.absent());
        Map<String, Integer> controls = new LinkedHashMap<>(main.controls());
        controls.putAll(extra.controls());
        return new Table(release, structs, absent, controls);
    }

    /**
     * Reads one table's text.
     *
     * @throws IllegalArgumentException naming the release and the line a table cannot have
     */
    public static Table parse(String release, String text) {
        return TableText.parse(release, text);
    }

    private String text(String file) {
        try {
            if (directory != null) return Files.readString(directory.resolve(file));
            try (InputStream in = NvrmTables.class.getResourceAsStream(BUNDLED + file)) {
                if (in == null) throw new NoSuchFileException(BUNDLED + file);
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("no NVIDIA RM layout table " + file + " in " + this
                    + "; add it to abi/nvidia-rm/ (see abi/nvidia-rm/README.md)", e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the NVIDIA RM layout table " + file + " in " + this, e);
        }
    }

    @Override
    public String toString() {
        return directory != null ? directory.toString() : "the mdevgpu-kernel jar (" + BUNDLED + ")";
    }
}
