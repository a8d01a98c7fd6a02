package io.mdevgpu.core.config;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.mdevgpu.ConfigException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Thousands of seeded mutations of valid files: whatever the text, the loader either returns a configuration or
 * throws a ConfigException whose location lies inside the text and whose message is printable. Any other
 * exception (an index out of bounds in the locator, a jackson exception that escaped, a stack overflow) fails.
 * A stand-in until the Jazzer fuzz tests of issue 7; the seed makes every failure reproducible.
 */
class MutationRobustnessTest {
    static final List<String> TOKENS = List.of("[", "]", "[[", "]]", "{", "}", "\"", "'", "\"\"\"", "'''", "\\", "\\u",
            "\\uD800", "=", ",", ".", "#", "\n", "\r", "\r\n", "\t", " ", "0x", "0o7", "1", "-", "+", "_", "é", "😀",
            "\u0000", "\u0001", "\u007F", "inf", "nan", "1979-05-27", "07:32:00", "true", "gpu", "type", "display",
            "number", "filter", "\"9536MiB\"", "[[gpu.type]]", "[gpu.type.display]", "schema = 1\n");

    static List<String> seeds() throws IOException {
        return List.of(
                Files.readString(SampleProfilesTest.SAMPLES.resolve("open-vampere.toml")),
                Files.readString(SampleProfilesTest.SAMPLES.resolve("open-vgeneric.toml")),
                BadConfigTest.type("display = { heads = 2, max_resolution = \"8x8\" }\nname = \"\"\"a\nb\"\"\"\n"),
                "schema = 1\ngpu = [ { filter = { bus = 0x65 }, type = [ { number = 1, max_instances = 2, "
                        + "framebuffer = \"1GiB\", reserved = \"64MiB\" } ] } ]\n");
    }

    @Test
    void textMutations() throws IOException {
        Random random = new Random(20261124);
        int rejected = 0;
        int runs = 0;
        for (String seed : seeds()) {
            for (int i = 0; i < 1500; i++) {
                StringBuilder sb = new StringBuilder(seed);
                for (int edits = 1 + random.nextInt(3); edits > 0; edits--) mutate(sb, random);
                String text = sb.toString();
                runs++;
                if (check(text, () -> ConfigLoader.parse(text), "seed " + seeds().indexOf(seed) + " run " + i)) rejected++;
            }
        }
        assertTrue(rejected > runs / 2, "most mutations must be rejected: " + rejected + " of " + runs);
    }

    @Test
    void byteMutations() throws IOException {
        Random random = new Random(7);
        for (String seed : seeds()) {
            byte[] base = seed.getBytes(StandardCharsets.UTF_8);
            for (int i = 0; i < 500; i++) {
                byte[] bytes = base.clone();
                for (int edits = 1 + random.nextInt(3); edits > 0; edits--) {
                    bytes[random.nextInt(bytes.length)] = (byte) random.nextInt(256);
                }
                String shown = new String(bytes, StandardCharsets.UTF_8);
                check(shown, () -> ConfigLoader.parse(bytes, null), "byte run " + i);
            }
        }
    }

    private static void mutate(StringBuilder sb, Random random) {
        int at = random.nextInt(sb.length() + 1);
        switch (random.nextInt(4)) {
            case 0 -> sb.insert(at, TOKENS.get(random.nextInt(TOKENS.size())));
            case 1 -> sb.delete(at, Math.min(sb.length(), at + 1 + random.nextInt(8)));
            case 2 -> {
                int end = Math.min(sb.length(), at + random.nextInt(40));
                sb.insert(end, sb.substring(at, end)); // duplicate a run: repeats keys and headers
            }
            default -> {
                if (at < sb.length()) sb.setCharAt(at, (char) (0x20 + random.nextInt(0x5F)));
            }
        }
    }

    /** Runs the load; true when it was rejected properly, false when it loaded; fails on anything else. */
    private static boolean check(String text, Runnable load, String what) {
        try {
            load.run();
            return false;
        } catch (ConfigException e) {
            long lines = text.chars().filter(c -> c == '\n').count() + 1;
            if (e.line() < 0 || e.line() > lines || (e.line() > 0 && e.column() < 1)) {
                fail(what + ": location " + e.line() + ":" + e.column() + " outside the text: " + e.getMessage());
            }
            if (e.getMessage().chars().anyMatch(Character::isISOControl)) {
                fail(what + ": control character in the message: " + e.getMessage());
            }
            return true;
        } catch (RuntimeException | StackOverflowError e) {
            throw new AssertionError(what + " threw " + e + " for:\n" + text, e);
        }
    }
}
