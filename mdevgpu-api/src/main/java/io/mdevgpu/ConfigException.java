package io.mdevgpu;

import java.nio.file.Path;

/**
 * A configuration file (or another TOML document: an inventory) that cannot be used: the message names the file, the key path
 * ({@code gpu[0].type[2].framebuffer}), the line and column, and what is allowed. Nothing was changed.
 */
public final class ConfigException extends MdevException {
    private final Path file;
    private final String keyPath;
    private final int line;
    private final int column;
    private final String problem;

    /**
     * @param file    the file (may be null for text that came from elsewhere)
     * @param keyPath the key path, empty for the document as a whole
     * @param line    1-based line, 0 when unknown
     * @param column  1-based column, 0 when unknown
     * @param problem what is wrong and what is allowed
     */
    public ConfigException(Path file, String keyPath, int line, int column, String problem, Throwable cause) {
        this("configuration", file, keyPath, line, column, problem, cause);
    }

    /**
     * As {@link #ConfigException(Path, String, int, int, String, Throwable)}, for a document of another kind: its
     * message begins with {@code document} ({@code "inventory"}) instead of {@code "configuration"}.
     */
    public ConfigException(String document, Path file, String keyPath, int line, int column, String problem,
                           Throwable cause) {
        super(document, where(file, keyPath, line, column), problem, null, cause);
        this.file = file;
        this.keyPath = keyPath == null ? "" : keyPath;
        this.line = line;
        this.column = column;
        this.problem = problem;
    }

    public ConfigException(Path file, String keyPath, int line, int column, String problem) {
        this(file, keyPath, line, column, problem, null);
    }

    private static String where(Path file, String keyPath, int line, int column) {
        StringBuilder sb = new StringBuilder(file == null ? "<text>" : file.toString());
        if (line > 0) sb.append(':').append(line).append(':').append(column);
        if (keyPath != null && !keyPath.isEmpty()) sb.append(" at ").append(keyPath);
        return sb.toString();
    }

    public Path file() { return file; }
    public String keyPath() { return keyPath; }
    public int line() { return line; }
    public int column() { return column; }
    /** The problem alone, without the location. */
    public String problem() { return problem; }
}
