package io.mdevgpu.realkernel;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Debian's real {@code mdevctl} (1.2.0) inside the VM, and its persistent definitions
 * ({@code /etc/mdevctl.d/<parent>/<uuid>}, JSON): the other side of the mdevctl comparison. Writing a definition
 * stands in for the engine's {@code io.mdevgpu.core.interop} until that lands; the JSON is read by the small
 * reader below, so the guest runtime needs nothing but the library and JUnit.
 */
final class Mdevctl {
    static final Path BINARY = Path.of("/usr/bin/mdevctl");
    static final Path CONFIG = Path.of("/etc/mdevctl.d");

    /** One device as mdevctl shows it, or one definition file: {@code start} is {@code manual} or {@code auto}. */
    record Device(UUID uuid, String parent, String type, String start) {}

    private Mdevctl() {}

    /** Runs mdevctl and returns its standard output; a non-zero exit fails with its standard error. */
    static String run(String... args) {
        List<String> command = new ArrayList<>(List.of(BINARY.toString()));
        command.addAll(Arrays.asList(args));
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(false).start();
            byte[] out = process.getInputStream().readAllBytes();
            byte[] err = process.getErrorStream().readAllBytes();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(command + " did not finish within 60 s");
            }
            if (process.exitValue() != 0) {
                throw new IllegalStateException(command + " exited " + process.exitValue() + ": "
                        + new String(err, StandardCharsets.UTF_8).strip());
            }
            return new String(out, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted running " + command, e);
        }
    }

    /** {@code mdevctl list [args]}: lines of {@code UUID PARENT TYPE START [(defined)]}. */
    static List<Device> list(String... args) {
        String[] all = Stream.concat(Stream.of("list"), Arrays.stream(args)).toArray(String[]::new);
        return run(all).lines().filter(line -> !line.isBlank()).map(line -> {
            String[] f = line.trim().split("\\s+");
            return new Device(UUID.fromString(f[0]), f[1], f[2], f[3]);
        }).toList();
    }

    /** {@code mdevctl list --dumpjson [args]}: {@code [ { PARENT: [ { UUID: { mdev_type, start, attrs } } ] } ]}. */
    static List<Device> listJson(String... args) {
        String[] all = Stream.concat(Stream.of("list", "--dumpjson"), Arrays.stream(args)).toArray(String[]::new);
        return parseDump(run(all));
    }

    static List<Device> parseDump(String json) {
        List<Device> devices = new ArrayList<>();
        if (json.isBlank()) return devices;
        for (Object byParent : (List<?>) Json.parse(json)) {
            for (Map.Entry<?, ?> parent : ((Map<?, ?>) byParent).entrySet()) {
                for (Object entry : (List<?>) parent.getValue()) {
                    for (Map.Entry<?, ?> device : ((Map<?, ?>) entry).entrySet()) {
                        Map<?, ?> fields = (Map<?, ?>) device.getValue();
                        devices.add(new Device(UUID.fromString((String) device.getKey()), (String) parent.getKey(),
                                (String) fields.get("mdev_type"), (String) fields.get("start")));
                    }
                }
            }
        }
        return devices;
    }

    /** Writes a definition as mdevctl itself would ({@code mdevctl define}). */
    static void writeDefinition(Device device) {
        Path file = CONFIG.resolve(device.parent()).resolve(device.uuid().toString());
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, definitionJson(device));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A definition file's content, as mdevctl writes it: {@code { "mdev_type": ..., "start": ..., "attrs": [] }}. */
    static String definitionJson(Device device) {
        return "{\n  \"mdev_type\": \"" + device.type() + "\",\n  \"start\": \"" + device.start() + "\",\n  \"attrs\": []\n}\n";
    }

    /** Every definition under {@link #CONFIG}. */
    static List<Device> definitions() {
        List<Device> definitions = new ArrayList<>();
        for (Path file : definitionFiles()) {
            try {
                Map<?, ?> json = (Map<?, ?>) Json.parse(Files.readString(file));
                definitions.add(new Device(UUID.fromString(file.getFileName().toString()),
                        file.getParent().getFileName().toString(), (String) json.get("mdev_type"), (String) json.get("start")));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return definitions;
    }

    /** Removes every definition file (the suite's cleanup between tests), without parsing them. */
    static void deleteAllDefinitions() {
        for (Path file : definitionFiles()) {
            try {
                Files.delete(file);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private static List<Path> definitionFiles() {
        List<Path> files = new ArrayList<>();
        if (!Files.isDirectory(CONFIG)) return files;
        try (Stream<Path> parents = Files.list(CONFIG)) {
            for (Path parent : parents.filter(p -> !p.getFileName().toString().equals("scripts.d")).sorted().toList()) {
                try (Stream<Path> uuids = Files.list(parent)) {
                    files.addAll(uuids.sorted().toList());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return files;
    }

    /** Exercises the JSON paths without a device or a file (the host's AOT training run). */
    static void train() {
        Device device = new Device(UUID.nameUUIDFromBytes(new byte[0]), "mtty", "mtty-1", "manual");
        if (!parseDump("[{\"mtty\": [{\"" + device.uuid() + "\": " + definitionJson(device) + "}]}]").equals(List.of(device))) {
            throw new IllegalStateException("the JSON reader does not read back a definition");
        }
    }

    /**
     * Just enough JSON for mdevctl's output (RFC 8259 objects, arrays, strings with escapes, numbers, literals):
     * objects become insertion-ordered maps, arrays lists, numbers doubles.
     */
    static final class Json {
        private final String text;
        private int at;

        private Json(String text) {
            this.text = text;
        }

        static Object parse(String text) {
            Json json = new Json(text);
            Object value = json.value();
            json.space();
            if (json.at != text.length()) throw json.error("trailing text");
            return value;
        }

        private Object value() {
            space();
            if (at >= text.length()) throw error("a value");
            char c = text.charAt(at);
            return switch (c) {
                case '{' -> object();
                case '[' -> array();
                case '"' -> string();
                case 't' -> literal("true", Boolean.TRUE);
                case 'f' -> literal("false", Boolean.FALSE);
                case 'n' -> literal("null", null);
                default -> number();
            };
        }

        private Map<String, Object> object() {
            Map<String, Object> members = new LinkedHashMap<>();
            at++;
            space();
            if (peek('}')) return members;
            do {
                space();
                if (at >= text.length() || text.charAt(at) != '"') throw error("a member name");
                String name = string();
                expect(':');
                members.put(name, value());
            } while (next(','));
            expect('}');
            return members;
        }

        private List<Object> array() {
            List<Object> items = new ArrayList<>();
            at++;
            space();
            if (peek(']')) return items;
            do {
                items.add(value());
            } while (next(','));
            expect(']');
            return items;
        }

        private String string() {
            StringBuilder out = new StringBuilder();
            at++;
            while (true) {
                if (at >= text.length()) throw error("a closing quote");
                char c = text.charAt(at++);
                if (c == '"') return out.toString();
                if (c != '\\') {
                    out.append(c);
                    continue;
                }
                char e = text.charAt(at++);
                switch (e) {
                    case '"', '\\', '/' -> out.append(e);
                    case 'b' -> out.append('\b');
                    case 'f' -> out.append('\f');
                    case 'n' -> out.append('\n');
                    case 'r' -> out.append('\r');
                    case 't' -> out.append('\t');
                    case 'u' -> {
                        out.append((char) Integer.parseInt(text.substring(at, at + 4), 16));
                        at += 4;
                    }
                    default -> throw error("an escape");
                }
            }
        }

        private Double number() {
            int start = at;
            while (at < text.length() && "+-0123456789.eE".indexOf(text.charAt(at)) >= 0) at++;
            if (start == at) throw error("a value");
            return Double.valueOf(text.substring(start, at));
        }

        private Object literal(String word, Object value) {
            if (!text.startsWith(word, at)) throw error(word);
            at += word.length();
            return value;
        }

        private void space() {
            while (at < text.length() && " \t\r\n".indexOf(text.charAt(at)) >= 0) at++;
        }

        private boolean peek(char c) {
            if (at < text.length() && text.charAt(at) == c) {
                at++;
                return true;
            }
            return false;
        }

        private boolean next(char c) {
            space();
            return peek(c);
        }

        private void expect(char c) {
            space();
            if (!peek(c)) throw error("'" + c + "'");
        }

        private IllegalArgumentException error(String expected) {
            return new IllegalArgumentException("JSON: expected " + expected + " at offset " + at + " of: " + text);
        }
    }
}
