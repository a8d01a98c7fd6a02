package io.mdevgpu.cli;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;

import tools.jackson.databind.json.JsonMapper;

/** {@code --json} output: ordered objects with snake_case keys, printed pretty, one document per command. */
final class Json {
    private static final JsonMapper MAPPER = JsonMapper.builder().build();

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
        out.println(MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(document));
        out.flush();
    }
}
