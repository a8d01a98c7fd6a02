package io.mdevgpu.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.LinkedHashMap;
import java.util.Map;

import tools.jackson.core.JsonGenerator;
import tools.jackson.core.ObjectWriteContext;
import tools.jackson.core.PrettyPrinter;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.core.util.DefaultPrettyPrinter;

/**
 * {@code --json} output: ordered objects with snake_case keys, printed pretty, one document per command. The documents
 * are plain values (maps, lists, strings, numbers, booleans, null), written through jackson-core's generator with
 * Jackson's default pretty printer: databind would print the same, after loading some 500 more classes.
 */
final class Json {
    private static final JsonFactory FACTORY = JsonFactory.builder().build();
    private static final ObjectWriteContext PRETTY = new ObjectWriteContext.Base() {
        @Override
        public PrettyPrinter getPrettyPrinter() {
            return new DefaultPrettyPrinter();
        }
    };

    private Json() {
    }

    /** An ordered object from key, value pairs: {@code Json.object("uuid", u, "parent", p)}. */
    static Map<String, Object> object(Object... keysAndValues) {
        if (keysAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("keys and values come in pairs");
        }
        Map<String, Object> o = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            o.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return o;
    }

    /** {@code 0x10de}: PCI ids and flags as the tools print them. */
    static String hex(int value, int digits) {
        return String.format("0x%0" + digits + "x", value);
    }

    static void print(PrintWriter out, Object document) {
        StringWriter text = new StringWriter();
        try (JsonGenerator g = FACTORY.createGenerator(PRETTY, text)) {
            write(g, document);
        }
        out.println(text);
        out.flush();
    }

    /**
     * Writes one value.
     *
     * @throws IllegalArgumentException for a value that is none of the plain kinds: a view must convert it first
     */
    private static void write(JsonGenerator g, Object value) {
        // instanceof tests, not a pattern switch: its type-switch class would be spun at run time, in every process
        if (value == null) {
            g.writeNull();
        } else if (value instanceof String s) {
            g.writeString(s);
        } else if (value instanceof Boolean b) {
            g.writeBoolean(b);
        } else if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte) {
            g.writeNumber(((Number) value).longValue());
        } else if (value instanceof Double || value instanceof Float) {
            g.writeNumber(((Number) value).doubleValue());
        } else if (value instanceof BigInteger b) {
            g.writeNumber(b);
        } else if (value instanceof BigDecimal b) {
            g.writeNumber(b);
        } else if (value instanceof Map<?, ?> m) {
            g.writeStartObject();
            for (Map.Entry<?, ?> e : m.entrySet()) {
                g.writeName(String.valueOf(e.getKey()));
                write(g, e.getValue());
            }
            g.writeEndObject();
        } else if (value instanceof Iterable<?> items) {
            g.writeStartArray();
            for (Object item : items) write(g, item);
            g.writeEndArray();
        } else {
            throw new IllegalArgumentException("no JSON view of a " + value.getClass().getName() + ": " + value);
        }
    }
}
