package io.mdevgpu.core.interop;

import io.mdevgpu.HostStateException;
import io.mdevgpu.PciAddress;
import io.mdevgpu.ValidationException;
import io.mdevgpu.core.config.StrictToml;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * The file of a {@link VfDefinition}, {@code <root>/<pf>/<uuid>.json}, version {@value #SCHEMA} (docs/vf-definitions.md):
 * <pre>{@code
 * {
 *   "schema": 1,
 *   "uuid": "9ab1e3c4-5d6f-4a70-8b91-a2b3c4d5e6f7",
 *   "pf": "0000:41:00.0",
 *   "vf": "0000:41:00.4",
 *   "type_id": 1414,
 *   "type_name": "NVIDIA H200X-1-18C",
 *   "start": "auto",
 *   "owner": "instance-0000002a"
 * }
 * }</pre>
 * {@code vf} and {@code owner} are left out when there is none. Reading is strict, as this format is mdevgpu's own:
 * at most {@link StrictToml#MAX_BYTES} of UTF-8 without byte-order mark, one JSON object, no key twice, no key this
 * version does not know, every key of the right type, {@code uuid} and {@code pf} equal to the file's name and
 * directory; anything else is a {@link HostStateException} naming the file and the key.
 */
public final class VfDefinitionJson {
    /** The format's version; a file of a later one is refused (written by a newer mdevgpu). */
    public static final int SCHEMA = 1;
    private static final Set<String> KEYS = Set.of("schema", "uuid", "pf", "vf", "type_id", "type_name", "start", "owner");

    private VfDefinitionJson() {
    }

    /** The file's text: keys in the documented order, two-space indent, a final newline. */
    public static String write(VfDefinition d) {
        StringBuilder sb = new StringBuilder("{\n")
                .append("  \"schema\": ").append(SCHEMA).append(",\n")
                .append("  \"uuid\": ").append(MdevctlJson.string(d.uuid().toString())).append(",\n")
                .append("  \"pf\": ").append(MdevctlJson.string(d.pf().toString())).append(",\n");
        d.vf().ifPresent(vf -> sb.append("  \"vf\": ").append(MdevctlJson.string(vf.toString())).append(",\n"));
        sb.append("  \"type_id\": ").append(d.typeId()).append(",\n")
                .append("  \"type_name\": ").append(MdevctlJson.string(d.typeName())).append(",\n")
                .append("  \"start\": ").append(MdevctlJson.string(d.autoStart() ? "auto" : "manual"));
        d.owner().ifPresent(o -> sb.append(",\n  \"owner\": ").append(MdevctlJson.string(o)));
        return sb.append("\n}\n").toString();
    }

    /**
     * Reads a definition file's bytes.
     *
     * @param uuid  the UUID its name says
     * @param pf    the GPU its directory says
     * @param where names the file in errors
     * @throws HostStateException when the bytes are not a definition of this version
     */
    public static VfDefinition read(byte[] bytes, UUID uuid, PciAddress pf, String where) {
        Map<String, Object> root = parse(bytes, where);
        for (String key : root.keySet()) {
            if (!KEYS.contains(key)) {
                throw malformed(where, key, "is no key of schema " + SCHEMA + " (known: schema, uuid, pf, vf, type_id, "
                        + "type_name, start, owner)");
            }
        }
        int schema = integer(root, "schema", where);
        if (schema > SCHEMA) {
            throw new HostStateException("read VF vGPU definition", where + " key \"schema\"", "schema " + schema
                    + " is newer than this mdevgpu reads (" + SCHEMA + ")", "upgrade mdevgpu, or undefine the vGPU with "
                    + "the mdevgpu that defined it", null);
        }
        if (schema != SCHEMA) throw malformed(where, "schema", "must be " + SCHEMA + ", not " + schema);
        UUID named = uuid(text(root, "uuid", where), where);
        if (!named.equals(uuid)) {
            throw malformed(where, "uuid", "is " + named + " but the file is named for " + uuid + ": rename one to match");
        }
        PciAddress namedPf = address(text(root, "pf", where), "pf", where);
        if (!namedPf.equals(pf)) {
            throw malformed(where, "pf", "is " + namedPf + " but the file is in the directory of " + pf + ": move it");
        }
        Optional<PciAddress> vf = optionalText(root, "vf", where).map(v -> address(v, "vf", where));
        int typeId = integer(root, "type_id", where);
        String typeName = text(root, "type_name", where);
        String start = text(root, "start", where);
        if (!start.equals("auto") && !start.equals("manual")) {
            throw malformed(where, "start", "must be \"auto\" or \"manual\", not \"" + start + "\"");
        }
        Optional<String> owner = optionalText(root, "owner", where);
        try {
            return new VfDefinition(uuid, pf, vf, typeId, typeName, start.equals("auto"), owner);
        } catch (ValidationException e) {
            throw new HostStateException("read VF vGPU definition", where, e.getMessage(), FIX, e);
        }
    }

    private static final String FIX = "fix or remove the file; docs/vf-definitions.md describes the format";

    private static Map<String, Object> parse(byte[] bytes, String where) {
        String tooLarge = AtomicFiles.sizeProblem(bytes);
        if (tooLarge != null) throw malformed(where, null, tooLarge);
        if (bytes.length >= 3 && (bytes[0] & 0xFF) == 0xEF && (bytes[1] & 0xFF) == 0xBB && (bytes[2] & 0xFF) == 0xBF) {
            throw malformed(where, null, "the file starts with a UTF-8 byte-order mark; it must not have one");
        }
        StrictToml.NotUtf8 bad = StrictToml.NotUtf8.find(bytes); // the one check configurations and mdevctl files use
        if (bad != null) throw malformed(where, null, "the file is not UTF-8: " + bad);
        Map<String, Object> root;
        try {
            root = JsonObjects.read(new String(bytes, StandardCharsets.UTF_8), true);
        } catch (JsonObjects.NotJson e) {
            throw malformed(where, null, "it is not JSON: " + e.getMessage());
        }
        if (root == null) throw malformed(where, null, "it is not a JSON object");
        return root;
    }

    private static Object required(Map<String, Object> root, String key, String where) {
        Object value = root.get(key);
        if (value == null) throw malformed(where, key, "is missing");
        return value;
    }

    private static String text(Map<String, Object> root, String key, String where) {
        if (!(required(root, key, where) instanceof String value)) throw malformed(where, key, "must be a string");
        return value;
    }

    private static Optional<String> optionalText(Map<String, Object> root, String key, String where) {
        Object value = root.get(key);
        if (value == null) return Optional.empty();
        if (!(value instanceof String text)) throw malformed(where, key, "must be a string or absent");
        return Optional.of(text);
    }

    private static int integer(Map<String, Object> root, String key, String where) {
        if (!(required(root, key, where) instanceof Integer value)) throw malformed(where, key, "must be a whole number");
        return value;
    }

    private static UUID uuid(String text, String where) {
        if (!AtomicFiles.UUID_NAME.matcher(text).matches()) throw malformed(where, "uuid", "\"" + text + "\" is no UUID");
        return UUID.fromString(text);
    }

    private static PciAddress address(String text, String key, String where) {
        return AtomicFiles.pciAddress(text).orElseThrow(() -> malformed(where, key,
                "\"" + text + "\" is no PCI address such as 0000:41:00.4"));
    }

    private static HostStateException malformed(String where, String key, String problem) {
        return new HostStateException("read VF vGPU definition", key == null ? where : where + " key \"" + key + "\"",
                problem, FIX, null);
    }
}
