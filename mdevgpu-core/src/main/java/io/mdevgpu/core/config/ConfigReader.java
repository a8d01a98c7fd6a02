package io.mdevgpu.core.config;

import io.mdevgpu.ConfigException;
import io.mdevgpu.Display;
import io.mdevgpu.DriverLimits;
import io.mdevgpu.GpuFilter;
import io.mdevgpu.MdevType;
import io.mdevgpu.MdevTypeBuilder;
import io.mdevgpu.PciId;
import io.mdevgpu.Size;
import io.mdevgpu.ValidationException;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.BiFunction;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.databind.node.POJONode;

/**
 * Turns the TOML tree (jackson's values) and the locator's spans into an {@link MdevConfig}, checking the
 * schema key by key so that every error carries the key path and the line and column of the offending key
 * or value. Range rules that the API values check themselves are still checked here first, against the same
 * constants, because only here is the location known; what the API rejects anyway is mapped back to its key.
 */
final class ConfigReader {
    static final List<String> TOP_KEYS = List.of("schema", "keep", "gpu");
    static final List<String> GPU_KEYS = List.of("filter", "type");
    static final List<String> FILTER_KEYS = List.of("domain", "bus", "slot", "function", "vendor", "device",
            "subsystem_vendor", "subsystem_device", "rm_gpu_id");
    static final List<String> TYPE_KEYS = List.of("number", "name", "class", "max_instances", "framebuffer",
            "reserved", "mappable_video", "bar1", "guest_pci_id", "host_pci_id", "ecc", "multi_vgpu",
            "encoder_capacity", "display");
    static final List<String> DISPLAY_KEYS = List.of("heads", "max_resolution", "frame_rate_limit",
            "frame_rate_limiter");

    /** An integer key's range and why it is that. */
    private record Range(long min, long max, boolean hex, String why) {
        String text() {
            return (hex ? "0x" + Long.toHexString(min).toUpperCase(Locale.ROOT) + "..0x"
                    + Long.toHexString(max).toUpperCase(Locale.ROOT) : min + ".." + max) + (why.isEmpty() ? "" : " (" + why + ")");
        }
    }

    private static final DriverLimits LIMITS = DriverLimits.NEWEST;
    private static final Range NUMBER = new Range(1, Integer.MAX_VALUE, false, "0 is invalid to the driver; the sysfs type is nvidia-<number>");
    private static final Range MAX_INSTANCES = new Range(1, LIMITS.maxInstancesPerGpu(), false, "the newest driver's limit per GPU");
    private static final Range ENCODER = new Range(0, 100, false, "a percentage of the NVENC capacity");
    private static final Range PACKED_ID = new Range(0, 0xFFFF_FFFFL, true, "packed 0xDDDDSSSS: device << 16 | subsystem device, 32 bits");
    private static final Range HEADS = new Range(1, Display.MAX_HEADS, false, "display heads");
    private static final Range FRAME_RATE = new Range(1, Display.MAX_FRAME_RATE, false, "frames per second");
    private static final Range RESOLUTION = new Range(1, Display.MAX_RESOLUTION, false, "pixels");
    /** A filter key's range and the GpuFilter method that sets it. */
    private record FilterKey(Range range, BiFunction<GpuFilter, Long, GpuFilter> set) {
    }

    private static final Map<String, FilterKey> FILTER = Map.of(
            "domain", new FilterKey(new Range(0, 0xFFFF, true, "PCI domain"), (f, v) -> f.domain(v.intValue())),
            "bus", new FilterKey(new Range(0, 0xFF, true, "PCI bus"), (f, v) -> f.bus(v.intValue())),
            "slot", new FilterKey(new Range(0, 0x1F, true, "PCI slot, or device"), (f, v) -> f.slot(v.intValue())),
            "function", new FilterKey(new Range(0, 7, true, "PCI function"), (f, v) -> f.function(v.intValue())),
            "vendor", new FilterKey(new Range(0, 0xFFFF, true, "PCI vendor id"), (f, v) -> f.vendor(v.intValue())),
            "device", new FilterKey(new Range(0, 0xFFFF, true, "PCI device id"), (f, v) -> f.device(v.intValue())),
            "subsystem_vendor", new FilterKey(new Range(0, 0xFFFF, true, "PCI subsystem vendor id"),
                    (f, v) -> f.subsystemVendor(v.intValue())),
            "subsystem_device", new FilterKey(new Range(0, 0xFFFF, true, "PCI subsystem device id"),
                    (f, v) -> f.subsystemDevice(v.intValue())),
            "rm_gpu_id", new FilterKey(new Range(0, 0xFFFF_FFFFL, true, "NVIDIA RM gpu id: domain << 16 | bus << 8 | slot"),
                    GpuFilter::rmGpuId));

    private static final Pattern RESOLUTION_FORM = Pattern.compile("(\\d{1,9})x(\\d{1,9})");
    /** No string of this schema needs more (names are at most 63 bytes); longer ones are not quoted back whole. */
    static final int MAX_STRING_CHARS = 256;

    /** The predecessor's YAML names, so that a converted file gets told the new name. */
    private static final Map<String, String> PREDECESSOR_NAMES = Map.ofEntries(
            Map.entry("gpus", "gpu"), Map.entry("filteredGpus", "filter"), Map.entry("mdevConfigs", "type"),
            Map.entry("vendorId", "vendor"), Map.entry("deviceId", "device"),
            Map.entry("subvendorId", "subsystem_vendor"), Map.entry("subdeviceId", "subsystem_device"),
            Map.entry("identifier", "rm_gpu_id"), Map.entry("num", "number"), Map.entry("gpuClass", "class"),
            Map.entry("maxInstances", "max_instances"), Map.entry("fbLen", "framebuffer"),
            Map.entry("fbRes", "reserved"), Map.entry("mapVideoSize", "mappable_video"),
            Map.entry("vDevId", "guest_pci_id"), Map.entry("pDevId", "host_pci_id"),
            Map.entry("multiMdev", "multi_vgpu"), Map.entry("encCap", "encoder_capacity"),
            Map.entry("bar1Len", "bar1"), Map.entry("virtDisplay", "display"), Map.entry("numHeads", "heads"),
            Map.entry("maxResX", "max_resolution"), Map.entry("maxResY", "max_resolution"),
            Map.entry("frlConfig", "frame_rate_limit"), Map.entry("frlEnable", "frame_rate_limiter"));

    private final Path source;
    private final SourceText text;
    private final Map<String, TomlLocator.Span> spans;
    /** Where each key path's value starts: the locations an MdevConfig keeps for later errors. */
    private final Map<String, ConfigLocation> values;

    ConfigReader(Path source, SourceText text, Map<String, TomlLocator.Span> spans) {
        this.source = source;
        this.text = text;
        this.spans = spans;
        Map<String, ConfigLocation> at = new HashMap<>(spans.size() * 2);
        spans.forEach((path, span) -> at.put(path, text.locate(span.value())));
        this.values = Map.copyOf(at);
    }

    MdevConfig read(ObjectNode root) {
        Table top = new Table(root, KeyPath.ROOT);
        // the version first: a newer file's keys must not be reported as unknown
        top.require("schema", "the format version: write schema = " + MdevConfig.SCHEMA_VERSION + " at the top of the file");
        JsonNode version = root.get("schema");
        if (!version.isIntegralNumber()) {
            throw top.wrongType("schema", "the integer " + MdevConfig.SCHEMA_VERSION + " (the format version)");
        }
        BigInteger schema = version.bigIntegerValue();
        if (!schema.equals(BigInteger.valueOf(MdevConfig.SCHEMA_VERSION))) {
            throw top.error("schema", "unsupported schema version " + schema + "; this mdevgpu reads schema "
                    + MdevConfig.SCHEMA_VERSION);
        }
        top.checkKeys(TOP_KEYS);
        boolean keep = top.bool("keep").orElse(false);
        List<Table> gpuTables = top.tables("gpu", "gpu", "each GPU entry is a [[gpu]] table with its [[gpu.type]] tables");
        List<GpuEntry> gpus = new ArrayList<>(gpuTables.size());
        for (Table g : gpuTables) gpus.add(gpuEntry(g));
        return new MdevConfig(source, keep, gpus, values);
    }

    private GpuEntry gpuEntry(Table g) {
        g.checkKeys(GPU_KEYS);
        GpuFilter filter = g.table("filter").map(this::filter).orElse(GpuFilter.ANY);
        List<Table> typeTables = g.tables("type", "gpu.type", "each type is a [[gpu.type]] table after its [[gpu]]");
        if (typeTables.size() > LIMITS.maxTypesPerGpu()) {
            String first = KeyPath.index(KeyPath.child(g.path, "type"), LIMITS.maxTypesPerGpu());
            throw fail(first, valueLocation(first), g.path + " declares " + typeTables.size()
                    + " types; the newest driver registers at most " + LIMITS.maxTypesPerGpu() + " per GPU");
        }
        List<MdevType> types = new ArrayList<>(typeTables.size());
        for (Table t : typeTables) types.add(type(t));
        int repeated = GpuEntry.firstRepeatedNumber(types);
        if (repeated >= 0) {
            int number = types.get(repeated).number();
            int first = 0;
            while (types.get(first).number() != number) first++;
            Table t = typeTables.get(repeated);
            throw t.error("number", "type number " + number + " is already used by " + typeTables.get(first).path
                    + " (line " + valueLocation(KeyPath.child(typeTables.get(first).path, "number")).line()
                    + "); each type of a GPU entry needs its own number");
        }
        return new GpuEntry(filter, types);
    }

    private GpuFilter filter(Table f) {
        f.checkKeys(FILTER_KEYS);
        GpuFilter filter = GpuFilter.ANY;
        for (String key : FILTER_KEYS) {
            FilterKey k = FILTER.get(key);
            OptionalLong value = f.integer(key, k.range());
            if (value.isEmpty()) continue;
            GpuFilter before = filter;
            filter = f.guard(key, () -> k.set().apply(before, value.getAsLong()));
        }
        return filter;
    }

    private MdevType type(Table t) {
        t.checkKeys(TYPE_KEYS);
        t.require("number", "the type number, e.g. number = 531 (sysfs type nvidia-531)");
        t.require("max_instances", "instances of this type per GPU, " + MAX_INSTANCES.text());
        t.require("framebuffer", "the guest's framebuffer, e.g. framebuffer = \"9536MiB\"");
        t.require("reserved", "the framebuffer the host reserves per instance, e.g. reserved = \"704MiB\"");
        MdevTypeBuilder b = MdevTypeBuilder.number((int) t.integer("number", NUMBER).getAsLong());
        t.string("name").ifPresent(s -> b.name(t.guard("name", () -> checked("name", s))));
        t.string("class").ifPresent(s -> b.gpuClass(t.guard("class", () -> checked("class", s))));
        b.maxInstances((int) t.integer("max_instances", MAX_INSTANCES).getAsLong());
        b.framebuffer(t.size("framebuffer").orElseThrow());
        b.reserved(t.size("reserved").orElseThrow());
        t.size("mappable_video").ifPresent(b::mappableVideo);
        t.size("bar1").ifPresent(b::bar1);
        t.integer("guest_pci_id", PACKED_ID).ifPresent(v -> b.guestPciId(t.guard("guest_pci_id", () -> PciId.fromNvidiaPacked(v))));
        t.integer("host_pci_id", PACKED_ID).ifPresent(v -> b.hostPciId(t.guard("host_pci_id", () -> PciId.fromNvidiaPacked(v))));
        t.bool("ecc").ifPresent(b::ecc);
        t.bool("multi_vgpu").ifPresent(b::multiVgpu);
        t.integer("encoder_capacity", ENCODER).ifPresent(v -> b.encoderCapacity((int) v));
        t.table("display").ifPresent(d -> b.display(display(d)));
        try {
            return b.build();
        } catch (ValidationException e) {
            throw t.error(keyOf(e.property()), e.getMessage());
        }
    }

    private static String checked(String what, String value) {
        MdevType.checkString(what, value, LIMITS);
        return value;
    }

    /** The TOML key, relative to its type, that an API property name stands for. */
    private static String keyOf(String property) {
        if (property.equals("type number")) return "number";
        if (property.startsWith("display.max_resolution")) return "display.max_resolution";
        return property;
    }

    private Display display(Table d) {
        d.checkKeys(DISPLAY_KEYS);
        Display display = Display.DEFAULT;
        int heads = (int) d.integer("heads", HEADS).orElse(display.heads());
        int x = display.maxResolutionX();
        int y = display.maxResolutionY();
        Optional<String> resolution = d.string("max_resolution");
        if (resolution.isPresent()) {
            Matcher m = RESOLUTION_FORM.matcher(resolution.get());
            if (!m.matches()) {
                throw d.error("max_resolution", "\"" + resolution.get() + "\" is not a resolution; write "
                        + "WIDTHxHEIGHT in pixels with a lower-case x, e.g. max_resolution = \"1920x1080\"");
            }
            x = Integer.parseInt(m.group(1));
            y = Integer.parseInt(m.group(2));
            for (int side : new int[] {x, y}) {
                if (side < RESOLUTION.min() || side > RESOLUTION.max()) {
                    throw d.error("max_resolution", "\"" + resolution.get() + "\" is out of range: width and height are "
                            + RESOLUTION.text());
                }
            }
        }
        int fps = (int) d.integer("frame_rate_limit", FRAME_RATE).orElse(display.frameRateLimit());
        boolean limiter = d.bool("frame_rate_limiter").orElse(display.frameRateLimiter());
        int fx = x;
        int fy = y;
        return d.guard("", () -> new Display(heads, fx, fy, fps, limiter));
    }

    /**
     * The nearest allowed key to an unknown one: the new name of a predecessor key, the same key in another
     * spelling ({@code maxInstances}, {@code max-instances}), or one at most two edits away.
     */
    static Optional<String> suggest(String unknown, List<String> allowed) {
        String renamed = PREDECESSOR_NAMES.get(unknown);
        if (renamed != null && allowed.contains(renamed)) return Optional.of(renamed);
        String folded = fold(unknown);
        for (String key : allowed) {
            if (fold(key).equals(folded)) return Optional.of(key);
        }
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String key : allowed) {
            int d = distance(unknown.toLowerCase(Locale.ROOT), key);
            if (d < bestDistance) {
                best = key;
                bestDistance = d;
            }
        }
        int tolerance = unknown.length() <= 3 ? 1 : 2;
        return bestDistance <= tolerance ? Optional.of(best) : Optional.empty();
    }

    private static String fold(String key) {
        return key.toLowerCase(Locale.ROOT).replace("_", "").replace("-", "");
    }

    /** Optimal string alignment distance: insertions, deletions, substitutions and adjacent swaps. */
    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) d[i][0] = i;
        for (int j = 0; j <= b.length(); j++) d[0][j] = j;
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }

    /** What a TOML value is, for messages: {@code a string ("4")}. */
    static String describe(JsonNode n) {
        if (n.isString()) {
            String s = n.stringValue();
            return "a string (" + KeyPath.quote(s.length() > 40 ? s.substring(0, 40) + "..." : s) + ")";
        }
        if (n.isIntegralNumber()) return "an integer (" + n.bigIntegerValue() + ")";
        if (n.isNumber()) return "a float (" + n.asString() + ")";
        if (n.isBoolean()) return "a boolean (" + n.booleanValue() + ")";
        if (n.isArray()) return "an array";
        if (n.isObject()) return "a table";
        if (n instanceof POJONode pojo) return "a date/time (" + pojo.getPojo() + ")";
        return "a " + n.getNodeType().name().toLowerCase(Locale.ROOT);
    }

    /** A TOML table at a key path, with typed, located access to its keys. */
    private final class Table {
        final ObjectNode node;
        final String path;

        Table(ObjectNode node, String path) {
            this.node = node;
            this.path = path;
        }

        boolean has(String key) {
            return node.has(key);
        }

        String where() {
            return path.isEmpty() ? "at the top level" : "in " + path;
        }

        void checkKeys(List<String> allowed) {
            for (String key : node.propertyNames()) {
                if (allowed.contains(key)) continue;
                String keyPath = KeyPath.child(path, key);
                StringBuilder problem = new StringBuilder("unknown key ").append(KeyPath.quote(key)).append(' ').append(where());
                suggest(key, allowed).ifPresent(s -> {
                    problem.append("; did you mean \"").append(s).append("\"?");
                    if (PREDECESSOR_NAMES.containsKey(key)) {
                        problem.append(" (").append(key).append(" is the predecessor's name for it)");
                    }
                });
                problem.append("; allowed here: ").append(String.join(", ", allowed));
                throw fail(keyPath, keyLocation(keyPath), problem.toString());
            }
        }

        ConfigException error(String key, String problem) {
            // a dotted key is a sub-key named by an API property, e.g. display.heads
            String keyPath = key.isEmpty() ? path : key.contains(".") ? path + "." + key : KeyPath.child(path, key);
            return fail(keyPath, valueLocation(keyPath), problem);
        }

        void require(String key, String what) {
            if (!node.has(key)) throw missing(key, what);
        }

        ConfigException missing(String key, String what) {
            return fail(KeyPath.child(path, key), valueLocation(path), "missing required key \"" + key + "\" "
                    + where() + ": " + what);
        }

        ConfigException wrongType(String key, String expected) {
            return error(key, key + " must be " + expected + ", but is " + describe(node.get(key)));
        }

        /** Runs an API constructor and turns its ValidationException into this key's ConfigException. */
        <T> T guard(String key, Supplier<T> make) {
            try {
                return make.get();
            } catch (ValidationException e) {
                throw error(key, e.getMessage());
            }
        }

        OptionalLong integer(String key, Range range) {
            JsonNode n = node.get(key);
            if (n == null) return OptionalLong.empty();
            if (!n.isIntegralNumber()) {
                throw wrongType(key, "an integer, " + range.text() + (range.hex() ? "; hex is fine: 0x1B30" : ""));
            }
            BigInteger v = n.bigIntegerValue();
            if (v.compareTo(BigInteger.valueOf(range.min())) < 0 || v.compareTo(BigInteger.valueOf(range.max())) > 0) {
                String shown = range.hex() && v.signum() >= 0 ? "0x" + v.toString(16).toUpperCase(Locale.ROOT) : v.toString();
                throw error(key, key + " = " + shown + " is out of range; allowed: " + range.text());
            }
            return OptionalLong.of(v.longValue());
        }

        Optional<Boolean> bool(String key) {
            JsonNode n = node.get(key);
            if (n == null) return Optional.empty();
            if (!n.isBoolean()) throw wrongType(key, "a boolean, true or false (without quotes)");
            return Optional.of(n.booleanValue());
        }

        Optional<String> string(String key) {
            JsonNode n = node.get(key);
            if (n == null) return Optional.empty();
            if (!n.isString()) throw wrongType(key, "a string in double quotes");
            String s = n.stringValue();
            if (s.length() > MAX_STRING_CHARS) {
                throw error(key, key + " is a string of " + s.length() + " characters; no value here needs more than "
                        + MAX_STRING_CHARS + " (names and classes fit in " + LIMITS.maxStringBytes() + " UTF-8 bytes)");
            }
            return Optional.of(s);
        }

        Optional<Size> size(String key) {
            JsonNode n = node.get(key);
            if (n == null) return Optional.empty();
            if (!n.isString()) {
                throw wrongType(key, "a size: a string with a binary unit, e.g. " + key + " = \"256MiB\" or \"2GiB\""
                        + (n.isIntegralNumber() ? " (the predecessor counted MiB: write \"" + n.bigIntegerValue() + "MiB\")" : ""));
            }
            String s = string(key).orElseThrow();
            String trimmed = s.strip();
            if (trimmed.isEmpty() || !Character.isLetter(trimmed.charAt(trimmed.length() - 1))) {
                throw error(key, "\"" + s + "\" is not a size with a unit; write a whole number and a binary unit "
                        + "(B, KiB, MiB, GiB, TiB), e.g. " + key + " = \"256MiB\"");
            }
            Size size = guard(key, () -> Size.parse(s));
            if (!size.isWholeMiB()) {
                throw error(key, "\"" + s + "\" is not a whole number of MiB; the driver counts " + key + " in MiB");
            }
            return Optional.of(size);
        }

        Optional<Table> table(String key) {
            JsonNode n = node.get(key);
            if (n == null) return Optional.empty();
            if (!(n instanceof ObjectNode o)) {
                throw wrongType(key, "a table: [" + tomlName(KeyPath.child(path, key)) + "] or " + key + " = { ... }");
            }
            return Optional.of(new Table(o, KeyPath.child(path, key)));
        }

        /** A required, non-empty array of tables ({@code [[name]]}). */
        List<Table> tables(String key, String header, String what) {
            JsonNode n = node.get(key);
            if (n == null) throw missing(key, "at least one [[" + header + "]] table; " + what);
            String arrayPath = KeyPath.child(path, key);
            if (!n.isArray()) {
                throw wrongType(key, "an array of tables: write [[" + header + "]] (double brackets) for each one");
            }
            if (n.isEmpty()) throw error(key, key + " is empty; at least one [[" + header + "]] is required: " + what);
            List<Table> tables = new ArrayList<>(n.size());
            for (int i = 0; i < n.size(); i++) {
                String elementPath = KeyPath.index(arrayPath, i);
                if (!(n.get(i) instanceof ObjectNode o)) {
                    throw fail(elementPath, valueLocation(elementPath), elementPath + " must be a table, but is "
                            + describe(n.get(i)) + "; " + what);
                }
                tables.add(new Table(o, elementPath));
            }
            return tables;
        }
    }

    /**
     * The message with control characters escaped (ESC becomes backslash-u001B): a value quoted in an error must
     * not move the cursor or recolour the operator's terminal.
     */
    static String printable(String message) {
        StringBuilder sb = null;
        for (int i = 0; i < message.length(); i++) {
            char c = message.charAt(i);
            if (Character.isISOControl(c)) {
                if (sb == null) sb = new StringBuilder(message.length() + 16).append(message, 0, i);
                sb.append(String.format("\\u%04X", (int) c));
            } else if (sb != null) {
                sb.append(c);
            }
        }
        return sb == null ? message : sb.toString();
    }

    /** Where the value of {@code keyPath} starts, or its nearest enclosing table when it is not in the file. */
    private ConfigLocation valueLocation(String keyPath) {
        ConfigLocation at = KeyPath.nearest(values, keyPath);
        return at == null ? ConfigLocation.START : at;
    }

    private ConfigLocation keyLocation(String keyPath) {
        TomlLocator.Span span = spans.get(keyPath);
        return span != null ? text.locate(span.key()) : valueLocation(keyPath);
    }

    private ConfigException fail(String keyPath, ConfigLocation at, String problem) {
        return new ConfigException(source, keyPath, at.line(), at.column(), printable(problem));
    }

    /** {@code gpu.type} for {@code gpu[0].type}: the name a TOML header uses. */
    private static String tomlName(String keyPath) {
        return keyPath.replaceAll("\\[\\d+]", "");
    }
}
