package io.mdevgpu.core.config;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.mdevgpu.ConfigException;
import io.mdevgpu.MdevException;
import io.mdevgpu.kernel.testing.FuzzCorpus;
import org.junit.jupiter.api.Test;

/**
 * The TOML loader on arbitrary bytes, as {@link ConfigLoader#load} hands a file's bytes over. Only the library's
 * own exceptions may escape; a configuration that loads must write back to TOML that loads to the same value.
 * Seeds: every bad-config case, every bad file, every sample profile.
 */
class ConfigLoaderFuzzTest {
    private static final Path SOURCE = Path.of("fuzz.toml");

    @FuzzTest(maxDuration = "5m")
    void parse(byte[] data) {
        MdevConfig config;
        try {
            config = ConfigLoader.parse(data, SOURCE);
        } catch (ConfigException refused) {
            assertTrue(refused.line() >= 0 && refused.column() >= 0, "a location: " + refused.getMessage());
            return;
        } catch (MdevException refused) {
            return;
        }
        String written = ConfigWriter.toToml(config);
        assertEquals(config, ConfigLoader.parse(written.getBytes(UTF_8), SOURCE), "written back:\n" + written);
    }

    static Map<String, byte[]> seeds() throws IOException {
        Map<String, byte[]> seeds = new LinkedHashMap<>();
        BadConfigTest.cases().forEach(c -> seeds.put("bad " + c.name(), c.toml().getBytes(UTF_8)));
        BadFileTest.invalidUtf8().forEach(c -> seeds.put("utf8 " + c.name(), c.file()));
        try (Stream<Path> bad = Files.list(Path.of("src/test/resources/config/bad"));
             Stream<Path> samples = Files.list(SampleProfilesTest.SAMPLES)) {
            for (Path file : Stream.concat(bad, samples).sorted().toList()) {
                if (file.toString().endsWith(".toml")) {
                    seeds.put(file.getParent().getFileName() + " " + file.getFileName(), Files.readAllBytes(file));
                }
            }
        }
        return seeds;
    }

    @Test
    void seedCorpusHoldsEveryBadCaseAndSample() throws IOException {
        Map<String, byte[]> seeds = seeds();
        long small = seeds.values().stream().filter(b -> b.length <= FuzzCorpus.MAX_SEED_BYTES).count();
        assertEquals(small, FuzzCorpus.check(getClass(), "parse", seeds));
        assertTrue(small >= BadConfigTest.cases().count() + 8 + 4, small + " seeds: every bad case, bad file and sample");
    }
}
