package io.mdevgpu.core.config;

import io.mdevgpu.ConfigException;
import io.mdevgpu.ValidationException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A validated configuration: whether to keep the types a GPU already has, and the GPU entries with their types.
 * Immutable. One loaded by {@link ConfigLoader} also remembers its file and where each key path sits in it, so
 * that later stages (planning against a real GPU) can report a problem at the right line with
 * {@link #error(String, String)}. Two configurations are equal when they configure the same thing, wherever
 * they came from.
 */
public final class MdevConfig {
    /** The only schema version this release reads and writes. */
    public static final int SCHEMA_VERSION = 1;

    private final Path source;
    private final boolean keep;
    private final List<GpuEntry> gpus;
    private final Map<String, ConfigLocation> locations;

    MdevConfig(Path source, boolean keep, List<GpuEntry> gpus, Map<String, ConfigLocation> locations) {
        if (gpus == null || gpus.isEmpty()) {
            throw new ValidationException("configuration gpus", null, "at least one GPU entry");
        }
        this.source = source;
        this.keep = keep;
        this.gpus = List.copyOf(gpus);
        this.locations = Map.copyOf(locations);
    }

    /** A configuration made in code (no file): {@code keep} the GPUs' existing types or replace them. */
    public static MdevConfig of(boolean keep, List<GpuEntry> gpus) {
        return new MdevConfig(null, keep, gpus, Map.of());
    }

    /** A configuration made in code that replaces the GPUs' existing types. */
    public static MdevConfig of(GpuEntry... gpus) {
        return of(false, List.of(gpus));
    }

    /** The file it was loaded from, or the name given to {@link ConfigLoader#parse(String, Path)}. */
    public Optional<Path> source() {
        return Optional.ofNullable(source);
    }

    /** The schema version, {@link #SCHEMA_VERSION}. */
    public int schema() {
        return SCHEMA_VERSION;
    }

    /**
     * Whether the types a GPU already has stay registered (the predecessor's {@code -k}); when false, the first
     * type registered on a GPU discards its earlier types.
     */
    public boolean keep() {
        return keep;
    }

    /** The GPU entries in file order. */
    public List<GpuEntry> gpus() {
        return gpus;
    }

    /** The same configuration with {@code keep} set, e.g. from a command-line flag. */
    public MdevConfig withKeep(boolean keep) {
        return new MdevConfig(source, keep, gpus, locations);
    }

    /**
     * Where the value of {@code keyPath} ({@code gpu[0].type[2].framebuffer}, {@code gpu[1]}) starts in the
     * file; for a key that was left at its default, where its nearest enclosing table starts. Empty for a
     * configuration made in code.
     */
    public Optional<ConfigLocation> location(String keyPath) {
        if (locations.isEmpty()) return Optional.empty();
        ConfigLocation at = KeyPath.nearest(locations, keyPath);
        return Optional.of(at == null ? ConfigLocation.START : at);
    }

    /**
     * An error about {@code keyPath} found after loading (a type that does not fit a GPU, a filter that matches
     * nothing), located in the file like a loading error.
     *
     * @param problem what is wrong and what is allowed
     */
    public ConfigException error(String keyPath, String problem) {
        ConfigLocation at = location(keyPath).orElse(null);
        return new ConfigException(source, keyPath, at == null ? 0 : at.line(), at == null ? 0 : at.column(), problem);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MdevConfig c && keep == c.keep && gpus.equals(c.gpus);
    }

    @Override
    public int hashCode() {
        return Objects.hash(keep, gpus);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("MdevConfig[").append(source == null ? "<code>" : source)
                .append(", schema ").append(SCHEMA_VERSION).append(", ")
                .append(keep ? "keep existing types" : "replace existing types");
        for (int i = 0; i < gpus.size(); i++) {
            sb.append("\n gpu[").append(i).append("] ").append(gpus.get(i).toString().replace("\n", "\n "));
        }
        return sb.append(']').toString();
    }
}
