package io.mdevgpu.core.config;

import io.mdevgpu.ConfigException;
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
import java.util.function.Supplier;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.databind.node.POJONode;

/**
 * A table of a strictly read TOML document ({@link StrictToml}) at a key path, with typed access to its keys:
 * every accessor checks the value's type and range and, when it is wrong, throws a {@link ConfigException}
 * naming the file, the key path ({@code gpu[0].type[2].framebuffer}), the line and column of the offending key
 * or value, and what is allowed. Schema readers (the configuration, the host inventories) are written against
 * this class only, so that they all report problems alike.
 */
public final class TomlTable {
    /** No string of mdevgpu's schemas needs more; longer ones are not quoted back whole. */
    public static final int MAX_STRING_CHARS = 256;

    /**
     * An integer key's range and why it is that.
     *
     * @param hex whether the values are ids, printed and suggested in hex
     */
    public record IntRange(long min, long max, boolean hex, String why) {
        /** {@code 1..48 (the newest driver's limit per GPU)} or {@code 0x0..0xFFFF (PCI vendor id)}. */
        public String text() {
            return (hex ? "0x" + Long.toHexString(min).toUpperCase(Locale.ROOT) + "..0x"
                    + Long.toHexString(max).toUpperCase(Locale.ROOT) : min + ".." + max) + (why.isEmpty() ? "" : " (" + why + ")");
        }
    }

    /** What every table of one document shares: where it came from and where each key path sits. */
    record Document(Path source, SourceText text, Map<String, TomlLocator.Span> spans, StrictToml.Kind kind,
                    Map<String, ConfigLocation> values) {
        Document(Path source, SourceText text, Map<String, TomlLocator.Span> spans, StrictToml.Kind kind) {
            this(source, text, spans, kind, valueLocations(text, spans));
        }

        private static Map<String, ConfigLocation> valueLocations(SourceText text, Map<String, TomlLocator.Span> spans) {
            Map<String, ConfigLocation> at = new HashMap<>(spans.size() * 2);
            spans.forEach((path, span) -> at.put(path, text.locate(span.value())));
            return Map.copyOf(at);
        }
    }

    private final ObjectNode node;
    private final String path;
    private final Document doc;

    private TomlTable(ObjectNode node, String path, Document doc) {
        this.node = node;
        this.path = path;
        this.doc = doc;
    }

    static TomlTable root(ObjectNode node, Document doc) {
        return new TomlTable(node, KeyPath.ROOT, doc);
    }

    /** The key path of this table, {@code ""} for the document. */
    public String path() {
        return path;
    }

    /** The file the document came from; null for text. */
    public Path source() {
        return doc.source();
    }

    /** Where each key path's value starts in the document: what an {@link MdevConfig} keeps for later errors. */
    public Map<String, ConfigLocation> locations() {
        return doc.values();
    }

    /** Where the value of {@code keyPath} starts, or its nearest enclosing table when it is not in the file. */
    public ConfigLocation locationOf(String keyPath) {
        ConfigLocation at = KeyPath.nearest(doc.values(), keyPath);
        return at == null ? ConfigLocation.START : at;
    }

    /** The key path of {@code key} in this table. */
    public String pathOf(String key) {
        return KeyPath.child(path, key);
    }

    /** The key path of element {@code index} of the array at {@code keyPath}. */
    public static String indexed(String keyPath, int index) {
        return KeyPath.index(keyPath, index);
    }

    public boolean has(String key) {
        return node.has(key);
    }

    /** An error about any key path of the document, located at its value. */
    public ConfigException errorAt(String keyPath, String problem) {
        return fail(keyPath, locationOf(keyPath), problem);
    }

    private String where() {
        return path.isEmpty() ? "at the top level" : "in " + path;
    }

    /** Refuses any key not in {@code allowed}, naming the nearest allowed one. */
    public void checkKeys(List<String> allowed) {
        for (String key : node.propertyNames()) {
            if (allowed.contains(key)) continue;
            String keyPath = KeyPath.child(path, key);
            StringBuilder problem = new StringBuilder("unknown key ").append(KeyPath.quote(key)).append(' ').append(where());
            suggest(key, allowed, doc.kind().formerNames()).ifPresent(s -> {
                problem.append("; did you mean \"").append(s).append("\"?");
                if (doc.kind().formerNames().containsKey(key)) {
                    problem.append(" (").append(key).append(" is the predecessor's name for it)");
                }
            });
            problem.append("; allowed here: ").append(String.join(", ", allowed));
            throw fail(keyPath, keyLocation(keyPath), problem.toString());
        }
    }

    /**
     * An error about {@code key} of this table, located at its value; {@code ""} means the table itself, and a
     * dotted key a sub-key named by an API property ({@code display.heads}).
     */
    public ConfigException error(String key, String problem) {
        String keyPath = key.isEmpty() ? path : key.contains(".") ? path + "." + key : KeyPath.child(path, key);
        return fail(keyPath, locationOf(keyPath), problem);
    }

    public void require(String key, String what) {
        if (!node.has(key)) throw missing(key, what);
    }

    /** A missing required key, located at the table that lacks it. */
    public ConfigException missing(String key, String what) {
        return fail(KeyPath.child(path, key), locationOf(path), "missing required key \"" + key + "\" "
                + where() + ": " + what);
    }

    public ConfigException wrongType(String key, String expected) {
        return error(key, key + " must be " + expected + ", but is " + describe(node.get(key)));
    }

    /** Runs an API constructor and turns its ValidationException into this key's ConfigException. */
    public <T> T guard(String key, Supplier<T> make) {
        try {
            return make.get();
        } catch (ValidationException e) {
            throw error(key, e.getMessage());
        }
    }

    public OptionalLong integer(String key, IntRange range) {
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

    public Optional<Boolean> bool(String key) {
        JsonNode n = node.get(key);
        if (n == null) return Optional.empty();
        if (!n.isBoolean()) throw wrongType(key, "a boolean, true or false (without quotes)");
        return Optional.of(n.booleanValue());
    }

    public Optional<String> string(String key) {
        JsonNode n = node.get(key);
        if (n == null) return Optional.empty();
        if (!n.isString()) throw wrongType(key, "a string in double quotes");
        String s = n.stringValue();
        if (s.length() > MAX_STRING_CHARS) {
            throw error(key, key + " is a string of " + s.length() + " characters; no value here needs more than "
                    + MAX_STRING_CHARS + doc.kind().stringHint());
        }
        return Optional.of(s);
    }

    /** A size with a binary unit ({@code "9536MiB"}); whole MiB, because the driver counts in MiB. */
    public Optional<Size> size(String key) {
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

    public Optional<TomlTable> table(String key) {
        JsonNode n = node.get(key);
        if (n == null) return Optional.empty();
        if (!(n instanceof ObjectNode o)) {
            throw wrongType(key, "a table: [" + tomlName(KeyPath.child(path, key)) + "] or " + key + " = { ... }");
        }
        return Optional.of(new TomlTable(o, KeyPath.child(path, key), doc));
    }

    /** A required, non-empty array of tables ({@code [[header]]}); {@code what} says what each one is. */
    public List<TomlTable> tables(String key, String header, String what) {
        JsonNode n = node.get(key);
        if (n == null) throw missing(key, "at least one [[" + header + "]] table; " + what);
        String arrayPath = KeyPath.child(path, key);
        if (!n.isArray()) {
            throw wrongType(key, "an array of tables: write [[" + header + "]] (double brackets) for each one");
        }
        if (n.isEmpty()) throw error(key, key + " is empty; at least one [[" + header + "]] is required: " + what);
        List<TomlTable> tables = new ArrayList<>(n.size());
        for (int i = 0; i < n.size(); i++) {
            String elementPath = KeyPath.index(arrayPath, i);
            if (!(n.get(i) instanceof ObjectNode o)) {
                throw fail(elementPath, locationOf(elementPath), elementPath + " must be a table, but is "
                        + describe(n.get(i)) + "; " + what);
            }
            tables.add(new TomlTable(o, elementPath, doc));
        }
        return tables;
    }

    /**
     * Checks the document's {@code schema} key first, so that a newer file's keys are not reported as unknown: it
     * must be there and be the integer {@code supported}.
     */
    public void requireSchema(int supported) {
        require("schema", "the format version: write schema = " + supported + " at the top of the file");
        JsonNode version = node.get("schema");
        if (!version.isIntegralNumber()) {
            throw wrongType("schema", "the integer " + supported + " (the format version)");
        }
        BigInteger schema = version.bigIntegerValue();
        if (!schema.equals(BigInteger.valueOf(supported))) {
            throw error("schema", "unsupported schema version " + schema + "; this mdevgpu reads schema " + supported);
        }
    }

    private ConfigLocation keyLocation(String keyPath) {
        TomlLocator.Span span = doc.spans().get(keyPath);
        return span != null ? doc.text().locate(span.key()) : locationOf(keyPath);
    }

    private ConfigException fail(String keyPath, ConfigLocation at, String problem) {
        return new ConfigException(doc.kind().noun(), doc.source(), keyPath, at.line(), at.column(), printable(problem),
                null);
    }

    /** {@code gpu.type} for {@code gpu[0].type}: the name a TOML header uses. */
    private static String tomlName(String keyPath) {
        return keyPath.replaceAll("\\[\\d+]", "");
    }

    /**
     * The nearest allowed key to an unknown one: the new name of a former key, the same key in another
     * spelling ({@code maxInstances}, {@code max-instances}), or one at most two edits away.
     */
    static Optional<String> suggest(String unknown, List<String> allowed, Map<String, String> formerNames) {
        String renamed = formerNames.get(unknown);
        if (renamed != null && allowed.contains(renamed)) return Optional.of(renamed);
        return NearestName.nearest(unknown, allowed);
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

    @Override
    public String toString() {
        return "TomlTable[" + (path.isEmpty() ? "<root>" : path) + " of " + (doc.source() == null ? "<text>" : doc.source())
                + ", keys " + node.propertyNames() + "]";
    }
}
