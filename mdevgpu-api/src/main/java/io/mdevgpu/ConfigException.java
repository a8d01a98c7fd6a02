package io.mdevgpu;

import java.nio.file.Path;

/**
 * A configuration file (or another TOML document: an inventory) that cannot be used: the message names the file, the key path
 * ({@code gpu[0].type[2].framebuffer}), the line and column, and what is allowed. Nothing was changed.
 */
public final class ConfigException extends MdevException {
    private static final long serialVersionUID = 1L;

    /** The file, or null for text that came from elsewhere. */
    private final Path file;
    /** The key path; empty for the document as a whole. */
    private final String keyPath;
    /** The 1-based line, 0 when unknown. */
    private final int line;
    /** The 1-based column, 0 when unknown. */
    private final int column;
    /** What is wrong and what is allowed, without the location. */
    private final String problem;

    /**
     * A configuration file that cannot be used; the message begins with {@code "configuration"}, then the location.
     *
     * @param file    the file (may be null for text that came from elsewhere)
     * @param keyPath the key path, empty (or null) for the document as a whole
     * @param line    1-based line, 0 when unknown
     * @param column  1-based column, 0 when unknown
     * @param problem what is wrong and what is allowed
     * @param cause   the parser's or reader's failure; may be null
     */
    public ConfigException(Path file, String keyPath, int line, int column, String problem, Throwable cause) {
        this("configuration", file, keyPath, line, column, problem, cause);
    }

    /**
     * As {@link #ConfigException(Path, String, int, int, String, Throwable)}, for a document of another kind: its
     * message begins with {@code document} ({@code "inventory"}) instead of {@code "configuration"}.
     *
     * @param document what kind of document it is, in words: {@code "configuration"}, {@code "inventory"}
     * @param file     the file (may be null for text that came from elsewhere)
     * @param keyPath  the key path, empty (or null) for the document as a whole
     * @param line     1-based line, 0 when unknown
     * @param column   1-based column, 0 when unknown
     * @param problem  what is wrong and what is allowed
     * @param cause    the parser's or reader's failure; may be null
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

    /**
     * A configuration file that cannot be used, with no underlying failure.
     *
     * @param file    the file (may be null for text that came from elsewhere)
     * @param keyPath the key path, empty (or null) for the document as a whole
     * @param line    1-based line, 0 when unknown
     * @param column  1-based column, 0 when unknown
     * @param problem what is wrong and what is allowed
     */
    public ConfigException(Path file, String keyPath, int line, int column, String problem) {
        this(file, keyPath, line, column, problem, null);
    }

    private static String where(Path file, String keyPath, int line, int column) {
        StringBuilder sb = new StringBuilder(file == null ? "<text>" : file.toString());
        if (line > 0) sb.append(':').append(line).append(':').append(column);
        if (keyPath != null && !keyPath.isEmpty()) sb.append(" at ").append(keyPath);
        return sb.toString();
    }

    /** {@return the file, or null for text that came from elsewhere (the message says {@code <text>})} */
    public Path file() { return file; }

    /** {@return the key path, e.g. {@code gpu[0].type[2].framebuffer}; empty for the document as a whole} */
    public String keyPath() { return keyPath; }

    /** {@return the 1-based line, 0 when unknown} */
    public int line() { return line; }

    /** {@return the 1-based column, 0 when unknown} */
    public int column() { return column; }

    /** {@return the problem alone, without the location} */
    public String problem() { return problem; }
}
