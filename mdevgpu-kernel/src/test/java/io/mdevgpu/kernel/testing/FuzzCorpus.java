package io.mdevgpu.kernel.testing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The seed corpora of the {@code @FuzzTest}s. Jazzer reads a test method's seeds from the test resource directory
 * {@code <package>/<TestClass>Inputs/<method>/}; the seeds are made by code (every bad-config case, every sample,
 * structs each driver family encodes), so a test checks the committed files against what the code makes now and
 * a corpus cannot silently fall behind. {@code -Dmdevgpu.writeSeeds=true} writes them instead.
 */
public final class FuzzCorpus {
    /** Larger inputs only slow every fuzzing run down; the loader's size limit has its own test. */
    public static final int MAX_SEED_BYTES = 64 * 1024;

    private FuzzCorpus() {
    }

    /** The seed directory of {@code method} of {@code fuzzTest} in this module's sources (surefire runs in it). */
    public static Path directory(Class<?> fuzzTest, String method) {
        return Path.of("src/test/resources", fuzzTest.getPackageName().replace('.', '/'),
                fuzzTest.getSimpleName() + "Inputs", method);
    }

    /** A seed's file name: its label made file-safe. */
    public static String fileName(String label) {
        String slug = label.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-|-$", "");
        return slug.isEmpty() ? "seed" : slug;
    }

    /**
     * Asserts that the corpus of {@code method} holds every seed of {@code seeds} (label to bytes) byte for byte,
     * or writes them when {@code -Dmdevgpu.writeSeeds=true}. Seeds over {@link #MAX_SEED_BYTES} are left out.
     *
     * @return how many seeds were checked (all but the oversized)
     */
    public static int check(Class<?> fuzzTest, String method, Map<String, byte[]> seeds) {
        Path dir = directory(fuzzTest, method);
        boolean write = Boolean.getBoolean("mdevgpu.writeSeeds");
        List<String> missing = new ArrayList<>();
        java.util.Set<String> names = new java.util.HashSet<>();
        int checked = 0;
        try {
            if (write) Files.createDirectories(dir);
            for (Map.Entry<String, byte[]> seed : seeds.entrySet()) {
                if (seed.getValue().length > MAX_SEED_BYTES) continue;
                Path file = dir.resolve(fileName(seed.getKey()));
                assertTrue(names.add(file.getFileName().toString()), "two seeds are both named " + file.getFileName());
                checked++;
                if (write) {
                    Files.write(file, seed.getValue());
                } else if (!Files.isRegularFile(file)) {
                    missing.add(file.toString());
                } else {
                    assertArrayEquals(seed.getValue(), Files.readAllBytes(file), "seed " + file + " differs from what "
                            + seed.getKey() + " makes now; rewrite the corpus with -Dmdevgpu.writeSeeds=true");
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        assertTrue(missing.isEmpty(), missing.size() + " seeds are missing, first " + missing.stream().findFirst().orElse("")
                + "; write the corpus with -Dmdevgpu.writeSeeds=true");
        return checked;
    }

    /** {@code prefix} followed by {@code body}: a selector byte in front of a struct. */
    public static byte[] prefixed(int prefix, byte[] body) {
        byte[] seed = new byte[body.length + 1];
        seed[0] = (byte) prefix;
        System.arraycopy(body, 0, seed, 1, body.length);
        return seed;
    }
}
