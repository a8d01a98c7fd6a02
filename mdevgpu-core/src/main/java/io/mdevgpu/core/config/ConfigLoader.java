package io.mdevgpu.core.config;

import io.mdevgpu.ConfigException;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads a configuration file strictly: every problem is a {@link ConfigException} that names the file, the key
 * path ({@code gpu[0].type[2].framebuffer}), the line and column, and what is allowed. The schema is described
 * in the {@linkplain io.mdevgpu.core.config package documentation} and in {@code samples/config/README.md}.
 *
 * <p>In order, it refuses: a path that is not a regular file (checked before opening, so a FIFO never blocks),
 * a file over {@link #MAX_BYTES}, a byte-order mark, bytes that are not UTF-8, TOML syntax errors, keys or
 * tables defined twice, nesting deeper than 16 levels ({@link StrictToml} does all of that), and then everything
 * the schema does not allow. Nothing is read from the host; loading is pure. Thread-safe.
 */
public final class ConfigLoader {
    /** The largest configuration file accepted: 1 MiB. */
    public static final int MAX_BYTES = StrictToml.MAX_BYTES;

    private static final Logger LOG = LoggerFactory.getLogger(ConfigLoader.class);

    private ConfigLoader() {
    }

    /**
     * Reads and validates the configuration file {@code file}.
     *
     * @throws ConfigException for a missing, unreadable, oversized or non-regular file and for any content the
     *                         schema does not allow
     */
    public static MdevConfig load(Path file) {
        return read(StrictToml.read(file, ConfigReader.KIND));
    }

    /** Validates configuration text that came from elsewhere; errors name the source {@code <text>}. */
    public static MdevConfig parse(String text) {
        return parse(text, null);
    }

    /**
     * Validates configuration text; {@code source} (may be null) is the name errors give it. The text must be
     * encodable as UTF-8 (no unpaired surrogates) and is then checked exactly as a file's bytes are.
     */
    public static MdevConfig parse(String text, Path source) {
        return read(StrictToml.parse(text, source, ConfigReader.KIND));
    }

    /**
     * Validates configuration bytes as if read from {@code source} (may be null): the size limit, no byte-order
     * mark, strict UTF-8, then the TOML and the schema.
     */
    public static MdevConfig parse(byte[] bytes, Path source) {
        return read(StrictToml.parse(bytes, source, ConfigReader.KIND));
    }

    private static MdevConfig read(TomlTable root) {
        MdevConfig config = ConfigReader.read(root);
        LOG.debug("loaded {}: {} GPU entries, {} types", root.source() == null ? "<text>" : root.source(),
                config.gpus().size(), config.gpus().stream().mapToInt(g -> g.types().size()).sum());
        return config;
    }
}
