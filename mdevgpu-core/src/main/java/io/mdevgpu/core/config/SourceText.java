package io.mdevgpu.core.config;

import java.util.Arrays;

/** The decoded text of a configuration with a line table, to turn offsets into lines and columns. */
final class SourceText {
    private final String text;
    private final int[] lineStarts;

    SourceText(String text) {
        this.text = text;
        int[] starts = new int[16];
        int n = 0;
        starts[n++] = 0;
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) == '\n') {
                if (n == starts.length) starts = Arrays.copyOf(starts, n * 2);
                starts[n++] = i + 1;
            }
        }
        this.lineStarts = Arrays.copyOf(starts, n);
    }

    String text() {
        return text;
    }

    /** The line and code-point column of a char offset (clamped to the text). */
    ConfigLocation locate(int offset) {
        int at = Math.clamp(offset, 0, text.length());
        int line = Arrays.binarySearch(lineStarts, at);
        if (line < 0) line = -line - 2;
        return new ConfigLocation(line + 1, text.codePointCount(lineStarts[line], at) + 1);
    }

    /**
     * The char offset of a 1-based line and a 1-based column counted in UTF-16 chars, as jackson reports
     * them; -1 when the line does not exist.
     */
    int offsetOfCharColumn(int line, int charColumn) {
        if (line < 1 || line > lineStarts.length) return -1;
        return Math.min(lineStarts[line - 1] + Math.max(charColumn, 1) - 1, text.length());
    }
}
