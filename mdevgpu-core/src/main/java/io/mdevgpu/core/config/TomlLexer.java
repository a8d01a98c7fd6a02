package io.mdevgpu.core.config;

import java.util.ArrayList;
import java.util.List;

/**
 * The lexing half of {@link TomlLocator}: the cursor over the text, keys (bare, quoted, dotted), the four string
 * forms and their escapes, whitespace, comments and line ends, and the {@link TomlLocator.Problem}s that stop the
 * scan. The key paths, spans and duplicate checks are {@link TomlLocator}'s.
 */
abstract sealed class TomlLexer permits TomlLocator {
    /** No key of the schema is longer; a longer one would only make its error message unreadable. */
    static final int MAX_KEY_CHARS = 128;

    /** A simple key and where it starts. */
    record Key(String name, int offset) {
    }

    /** Thrown to stop the scan at its first problem; carries no stack trace. */
    static final class Stop extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final transient TomlLocator.Problem problem;

        Stop(TomlLocator.Problem problem) {
            super(problem.message(), null, false, false);
            this.problem = problem;
        }
    }

    final String s;
    int pos;
    String context = KeyPath.ROOT;

    TomlLexer(String text) {
        this.s = text;
    }

    static boolean endsScalar(char c) {
        return c == ' ' || c == '\t' || c == ',' || c == ']' || c == '}' || c == '#' || c == '\r' || c == '\n'
                || c == '=' || c == '[' || c == '{' || c == '"' || c == '\'';
    }

    /** A key: simple keys separated by dots, with optional whitespace around the dots. */
    List<Key> key() {
        List<Key> keys = new ArrayList<>(4);
        while (true) {
            int start = pos;
            String name;
            if (pos >= s.length()) throw syntax("expected a key");
            char c = peek();
            if (c == '"') {
                if (s.startsWith("\"\"\"", pos)) throw syntax("a key cannot be a multi-line string");
                name = basic();
            } else if (c == '\'') {
                if (s.startsWith("'''", pos)) throw syntax("a key cannot be a multi-line string");
                name = literal();
            } else {
                while (pos < s.length() && isBareKeyChar(peek())) pos++;
                if (pos == start) throw syntax("expected a key (letters, digits, '_' and '-', or a quoted string)");
                name = s.substring(start, pos);
            }
            if (name.length() > MAX_KEY_CHARS) {
                throw structural(context, start, "a key of " + name.length() + " characters is too long; keys are at most "
                        + MAX_KEY_CHARS);
            }
            keys.add(new Key(name, start));
            skipWs();
            if (pos < s.length() && peek() == '.') {
                pos++;
                skipWs();
            } else {
                return keys;
            }
        }
    }

    static boolean isBareKeyChar(char c) {
        return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' || c == '-';
    }

    String basic() {
        pos++;
        StringBuilder sb = new StringBuilder();
        while (true) {
            if (pos >= s.length() || peek() == '\n' || peek() == '\r') throw syntax("unterminated string: add the closing '\"'");
            char c = peek();
            if (c == '"') {
                pos++;
                return sb.toString();
            }
            if (c == '\\') escape(sb);
            else sb.append(s.charAt(pos++));
        }
    }

    void multiLineBasic() {
        pos += 3;
        while (true) {
            if (pos >= s.length()) throw syntax("unterminated multi-line string: add the closing '\"\"\"'");
            if (s.startsWith("\"\"\"", pos)) {
                pos += 3;
                for (int extra = 0; extra < 2 && pos < s.length() && peek() == '"'; extra++) pos++;
                return;
            }
            if (peek() == '\\') {
                int after = pos + 1;
                while (after < s.length() && (s.charAt(after) == ' ' || s.charAt(after) == '\t')) after++;
                if (after < s.length() && (s.charAt(after) == '\n' || s.charAt(after) == '\r')) {
                    pos = after; // a line-ending backslash: the newline and following whitespace vanish
                    continue;
                }
                escape(new StringBuilder());
            } else {
                pos++;
            }
        }
    }

    String literal() {
        int start = ++pos;
        while (true) {
            if (pos >= s.length() || peek() == '\n' || peek() == '\r') throw syntax("unterminated string: add the closing \"'\"");
            if (peek() == '\'') return s.substring(start, pos++);
            pos++;
        }
    }

    void multiLineLiteral() {
        pos += 3;
        int end = s.indexOf("'''", pos);
        if (end < 0) throw syntax("unterminated multi-line string: add the closing \"'''\"");
        pos = end + 3;
        for (int extra = 0; extra < 2 && pos < s.length() && peek() == '\''; extra++) pos++;
    }

    void escape(StringBuilder sb) {
        int start = pos;
        if (pos + 1 >= s.length()) throw syntax("unterminated escape sequence");
        char e = s.charAt(pos + 1);
        pos += 2;
        switch (e) {
            case 'b' -> sb.append('\b');
            case 't' -> sb.append('\t');
            case 'n' -> sb.append('\n');
            case 'f' -> sb.append('\f');
            case 'r' -> sb.append('\r');
            case '"' -> sb.append('"');
            case '\\' -> sb.append('\\');
            case 'u', 'U' -> {
                int digits = e == 'u' ? 4 : 8;
                if (pos + digits > s.length()) throw syntaxAt(start, "\\" + e + " needs " + digits + " hex digits");
                long cp = 0;
                for (int i = 0; i < digits; i++) {
                    int d = Character.digit(s.charAt(pos + i), 16);
                    if (d < 0) throw syntaxAt(start, "\\" + e + " needs " + digits + " hex digits");
                    cp = cp << 4 | d;
                }
                pos += digits;
                if (cp > Character.MAX_CODE_POINT || (cp >= 0xD800 && cp <= 0xDFFF)) {
                    throw structural(context, start, s.substring(start, pos) + " is not a Unicode scalar value "
                            + "(surrogates D800..DFFF and values above 10FFFF are not characters)");
                }
                sb.appendCodePoint((int) cp);
            }
            default -> throw syntaxAt(start, "unknown escape sequence \\" + e
                    + "; TOML allows \\b \\t \\n \\f \\r \\\" \\\\ \\uXXXX \\UXXXXXXXX");
        }
    }

    /** Spaces, tabs, comments and newlines. */
    void skipBlank() {
        while (pos < s.length()) {
            char c = peek();
            if (c == ' ' || c == '\t' || c == '\n') pos++;
            else if (c == '\r' && peekAt(1) == '\n') pos += 2;
            else if (c == '#') skipComment();
            else return;
        }
    }

    void skipWs() {
        while (pos < s.length() && (peek() == ' ' || peek() == '\t')) pos++;
    }

    void skipComment() {
        while (pos < s.length() && peek() != '\n' && !(peek() == '\r' && peekAt(1) == '\n')) pos++;
    }

    void endOfLine() {
        skipWs();
        if (pos < s.length() && peek() == '#') skipComment();
        if (pos >= s.length()) return;
        if (peek() == '\n') pos++;
        else if (peek() == '\r' && peekAt(1) == '\n') pos += 2;
        else throw syntax("expected the end of the line after the value (one key = value per line)");
    }

    void expect(char c, String what) {
        if (pos >= s.length() || peek() != c) throw syntax(what);
        pos++;
    }


    char peek() {
        return s.charAt(pos);
    }

    char peekAt(int ahead) {
        return pos + ahead < s.length() ? s.charAt(pos + ahead) : '\0';
    }

    Stop syntax(String message) {
        return syntaxAt(pos, message);
    }

    Stop syntaxAt(int offset, String message) {
        String found = offset >= s.length() ? "the end of the file" : describe(s.codePointAt(offset));
        return new Stop(new TomlLocator.Problem(context, offset, "TOML syntax error: " + message + ", found " + found));
    }

    Stop structural(String path, int offset, String message) {
        return new Stop(new TomlLocator.Problem(path, offset, message));
    }

    String where(int offset) {
        return "line " + new SourceText(s).locate(offset).line();
    }

    static String describe(int cp) {
        return switch (cp) {
            case '\n' -> "the end of the line";
            case '\r' -> "a carriage return";
            case '\t' -> "a tab";
            case ' ' -> "a space";
            default -> Character.isISOControl(cp) || !Character.isDefined(cp)
                    ? String.format("U+%04X", cp) : "'" + Character.toString(cp) + "'";
        };
    }
}
