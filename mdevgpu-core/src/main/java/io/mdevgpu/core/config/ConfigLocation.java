package io.mdevgpu.core.config;

/**
 * A position in a configuration file: 1-based line and 1-based column. Columns count Unicode characters
 * (code points), a tab counts as one, as most editors show them.
 */
public record ConfigLocation(int line, int column) {
    /** The start of the document: where a key that is missing from the top level is reported. */
    public static final ConfigLocation START = new ConfigLocation(1, 1);

    @Override
    public String toString() {
        return line + ":" + column;
    }
}
