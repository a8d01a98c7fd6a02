package io.mdevgpu.core.interop;

import io.mdevgpu.Definitions.Definition;
import io.mdevgpu.HostStateException;
import io.mdevgpu.PciAddress;
import io.mdevgpu.ValidationException;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * mdevctl's definition file, {@code <root>/<parent>/<uuid>}: the JSON object mdevctl writes, byte for byte as its
 * {@code serde_json::to_string_pretty} writes it (keys in mdevctl's order, two-space indent, no final newline):
 * <pre>{@code
 * {
 *   "mdev_type": "nvidia-531",
 *   "start": "auto",
 *   "attrs": []
 * }
 * }</pre>
 * An attribute is an object with one key, {@code {"name": "value"}}. Reading is as lenient as mdevctl's: keys in
 * any order and extra keys are fine; {@code mdev_type} and {@code start} are required, {@code attrs} may be absent
 * or null.
 */
public final class MdevctlJson {
    private MdevctlJson() {
    }

    /** The file's text for {@code d} (its UUID and parent are the file's name and directory, not its content). */
    public static String write(Definition d) {
        StringBuilder sb = new StringBuilder("{\n  \"mdev_type\": ").append(string(d.typeId()))
                .append(",\n  \"start\": ").append(string(d.autoStart() ? "auto" : "manual"))
                .append(",\n  \"attrs\": ");
        if (d.attrs().isEmpty()) {
            sb.append("[]");
        } else {
            sb.append("[");
            for (int i = 0; i < d.attrs().size(); i++) {
                Map<String, String> attr = d.attrs().get(i);
                Map.Entry<String, String> e = attr.entrySet().iterator().next();
                sb.append(i == 0 ? "\n" : ",\n").append("    {\n      ").append(string(e.getKey())).append(": ")
                        .append(string(e.getValue())).append("\n    }");
            }
            sb.append("\n  ]");
        }
        return sb.append("\n}").toString();
    }

    /**
     * Reads a definition file's text.
     *
     * @param where names the file in errors
     * @throws HostStateException when the text is not a definition mdevctl would read
     */
    public static Definition read(String json, UUID uuid, PciAddress parent, String where) {
        Map<String, Object> root;
        try {
            root = JsonObjects.read(json, false);
        } catch (JsonObjects.NotJson e) {
            throw malformed(where, "it is not JSON: " + e.getMessage());
        }
        if (root == null) throw malformed(where, "it is not a JSON object");
        if (!(root.get("mdev_type") instanceof String type) || !(root.get("start") instanceof String start)) {
            throw malformed(where, "\"mdev_type\" and \"start\" must be strings");
        }
        List<Map<String, String>> attrs = new ArrayList<>();
        Object list = root.get("attrs");
        if (list != null) {
            if (!(list instanceof List<?> items)) throw malformed(where, "\"attrs\" must be an array");
            for (Object attr : items) {
                if (!(attr instanceof Map<?, ?> one) || one.size() != 1) {
                    throw malformed(where, "each attribute is an object with one key: {\"name\": \"value\"}");
                }
                var e = one.entrySet().iterator().next();
                if (!(e.getValue() instanceof String value)) {
                    throw malformed(where, "attribute " + e.getKey() + " must be a string");
                }
                attrs.add(Map.of((String) e.getKey(), value));
            }
        }
        return new Definition(uuid, parent, type, "auto".equals(start), List.copyOf(attrs));
    }

    /** Checks what a definition must be to be written: a type id that is a sysfs name, attributes of one key each. */
    static void check(Definition d) {
        if (d.uuid() == null || d.parent() == null || d.typeId() == null || d.attrs() == null) {
            throw new ValidationException("mdev definition", String.valueOf(d), "UUID, parent, type and attrs are required");
        }
        if (!d.typeId().matches("[A-Za-z0-9][A-Za-z0-9._+-]{0,127}")) {
            throw new ValidationException("mdev type", d.typeId(), "a sysfs type id such as nvidia-531");
        }
        for (Map<String, String> attr : d.attrs()) {
            if (attr.size() != 1) {
                throw new ValidationException("mdev attribute", attr.toString(), "one name and its value, {\"name\": \"value\"}");
            }
        }
    }

    static HostStateException malformed(String where, String problem) {
        return new HostStateException("read mdev definition", where, problem,
                "fix or remove the file; mdevctl writes {\"mdev_type\": ..., \"start\": \"auto\"|\"manual\", \"attrs\": []}", null);
    }

    /** A JSON string as serde_json writes it: quotes, backslashes and control characters escaped, the rest as is. */
    static String string(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case '\b' -> sb.append("\\b");
                case '\f' -> sb.append("\\f");
                default -> {
                    if (c < 0x20) sb.append(String.format("\\u%04x", (int) c));
                    else sb.append(c);
                }
            }
        }
        return sb.append('"').toString();
    }
}
