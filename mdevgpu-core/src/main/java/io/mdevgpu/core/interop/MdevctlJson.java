package io.mdevgpu.core.interop;

import io.mdevgpu.Definitions.Definition;
import io.mdevgpu.HostStateException;
import io.mdevgpu.PciAddress;
import io.mdevgpu.ValidationException;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

import java.util.ArrayList;
import java.util.LinkedHashMap;
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
    private static final ObjectMapper MAPPER = JsonMapper.builder().build();

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
        JsonNode root;
        try {
            root = MAPPER.readTree(json);
        } catch (JacksonException e) {
            throw malformed(where, "it is not JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) throw malformed(where, "it is not a JSON object");
        JsonNode type = root.get("mdev_type");
        JsonNode start = root.get("start");
        if (type == null || !type.isString() || start == null || !start.isString()) {
            throw malformed(where, "\"mdev_type\" and \"start\" must be strings");
        }
        List<Map<String, String>> attrs = new ArrayList<>();
        JsonNode list = root.get("attrs");
        if (list != null && !list.isNull()) {
            if (!list.isArray()) throw malformed(where, "\"attrs\" must be an array");
            for (JsonNode attr : list) {
                if (!attr.isObject() || attr.size() != 1) {
                    throw malformed(where, "each attribute is an object with one key: {\"name\": \"value\"}");
                }
                var e = attr.properties().iterator().next();
                if (!e.getValue().isString()) throw malformed(where, "attribute " + e.getKey() + " must be a string");
                Map<String, String> one = new LinkedHashMap<>();
                one.put(e.getKey(), e.getValue().stringValue());
                attrs.add(Map.copyOf(one));
            }
        }
        return new Definition(uuid, parent, type.stringValue(), "auto".equals(start.stringValue()), List.copyOf(attrs));
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
