package io.mdevgpu.realkernel.jdk;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Debian's real {@code mdevctl} (1.2.0) inside the VM, and mdevctl's persistent definitions
 * ({@code /etc/mdevctl.d/<parent>/<uuid>}, JSON). Running the binary stays in the suite for good; reading and
 * writing the definitions is a JDK-only stand-in for the library's {@code io.mdevgpu.core.interop}.
 */
public final class Mdevctl {
    public static final Path BINARY = Path.of("/usr/bin/mdevctl");
    public static final Path CONFIG = Path.of("/etc/mdevctl.d");

    /** One device as mdevctl shows it, or one definition file: {@code start} is {@code manual} or {@code auto}. */
    public record Device(UUID uuid, String parent, String type, String start) {}

    private Mdevctl() {}

    /** Loads Jackson on first use only: under TCG its ~500 classes cost seconds, which cleanup need not pay. */
    private static final class Json {
        static final JsonMapper MAPPER = JsonMapper.shared();
    }

    /** Runs mdevctl and returns its standard output; a non-zero exit fails with its standard error. */
    public static String run(String... args) {
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
    public static List<Device> list(String... args) {
        String[] all = Stream.concat(Stream.of("list"), Arrays.stream(args)).toArray(String[]::new);
        return run(all).lines().filter(line -> !line.isBlank()).map(line -> {
            String[] f = line.trim().split("\\s+");
            return new Device(UUID.fromString(f[0]), f[1], f[2], f[3]);
        }).toList();
    }

    /** {@code mdevctl list --dumpjson [args]}: {@code [ { PARENT: [ { UUID: { mdev_type, start, attrs } } ] } ]}. */
    public static List<Device> listJson(String... args) {
        String[] all = Stream.concat(Stream.of("list", "--dumpjson"), Arrays.stream(args)).toArray(String[]::new);
        return parseDump(run(all));
    }

    static List<Device> parseDump(String json) {
        List<Device> devices = new ArrayList<>();
        JsonNode root = json.isBlank() ? Json.MAPPER.createArrayNode() : Json.MAPPER.readTree(json);
        for (JsonNode byParent : root) {
            for (Map.Entry<String, JsonNode> parent : byParent.properties()) {
                for (JsonNode entry : parent.getValue()) {
                    for (Map.Entry<String, JsonNode> device : entry.properties()) {
                        devices.add(new Device(UUID.fromString(device.getKey()), parent.getKey(),
                                device.getValue().get("mdev_type").asString(), device.getValue().get("start").asString()));
                    }
                }
            }
        }
        return devices;
    }

    /** Writes a definition as mdevctl itself would ({@code mdevctl define}). */
    public static void writeDefinition(Device device) {
        Path file = CONFIG.resolve(device.parent()).resolve(device.uuid().toString());
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, definitionJson(device));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A definition file's content: {@code { "mdev_type": ..., "start": ..., "attrs": [] }}. */
    static String definitionJson(Device device) {
        ObjectNode json = Json.MAPPER.createObjectNode();
        json.put("mdev_type", device.type());
        json.put("start", device.start());
        json.putArray("attrs");
        return Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(json) + "\n";
    }

    /** Every definition under {@link #CONFIG}. */
    public static List<Device> definitions() {
        List<Device> definitions = new ArrayList<>();
        if (!Files.isDirectory(CONFIG)) return definitions;
        for (String parent : SysfsMdev.names(CONFIG)) {
            if (parent.equals("scripts.d")) continue;
            for (String uuid : SysfsMdev.names(CONFIG.resolve(parent))) {
                try {
                    JsonNode json = Json.MAPPER.readTree(Files.readString(CONFIG.resolve(parent).resolve(uuid)));
                    definitions.add(new Device(UUID.fromString(uuid), parent, json.get("mdev_type").asString(),
                            json.get("start").asString()));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
        return definitions;
    }

    /** Removes every definition file (the suite's cleanup between tests), without parsing them. */
    public static void deleteAllDefinitions() {
        if (!Files.isDirectory(CONFIG)) return;
        for (String parent : SysfsMdev.names(CONFIG)) {
            if (parent.equals("scripts.d")) continue;
            for (String uuid : SysfsMdev.names(CONFIG.resolve(parent))) {
                try {
                    Files.delete(CONFIG.resolve(parent).resolve(uuid));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
    }

    /** Exercises the JSON paths without a device or a file (the host's AOT training run). */
    public static void train() {
        Device device = new Device(UUID.nameUUIDFromBytes(new byte[0]), "mtty", "mtty-1", "manual");
        String definition = definitionJson(device);
        parseDump("[{\"mtty\": [{\"" + device.uuid() + "\": " + definition + "}]}]");
    }
}
