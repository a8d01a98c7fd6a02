package io.mdevgpu.core.config;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Finds where every key and value of a TOML document starts, because jackson-dataformat-toml cannot say:
 * it parses the whole document into a tree and hands out a {@code TreeTraversingParser} whose tokens have no
 * location (only its syntax errors carry one). This is a structural scan of TOML 1.0 (headers, dotted and
 * quoted keys, the four string forms, arrays and inline tables) that does not decode values; jackson does
 * that. On the way it finds what jackson reports late or not at all: a key or table defined twice (jackson
 * points past the value), nesting deeper than {@link #MAX_DEPTH} (jackson's limit has no location), escapes
 * that are not Unicode scalar values (jackson accepts an escaped lone surrogate) and absurdly long scalars.
 * It stops at the first thing it cannot read, reporting where. Paths are built with {@link KeyPath}, exactly as
 * the reader builds them.
 */
final class TomlLocator {
    /** Levels of nesting (keys, tables, array elements) allowed; the schema itself needs 6. */
    static final int MAX_DEPTH = 16;
    /** No number, boolean or date is longer; jackson's own limit (1000 digits) has no location. */
    static final int MAX_SCALAR_CHARS = 128;
    /** No key of the schema is longer; a longer one would only make its error message unreadable. */
    static final int MAX_KEY_CHARS = 128;

    /** Where a key starts and where its value starts (char offsets); for a table header the value is its '['. */
    record Span(int key, int value) {
    }

    /** What stopped the scan: a syntax error, or a structural error in text that is otherwise TOML. */
    record Problem(String keyPath, int offset, String message) {
    }

    /** The spans found (all of them when {@code problem} is null) and the problem that stopped the scan. */
    record Result(Map<String, Span> spans, Problem problem) {
    }

    private record P(String path, int depth) {
        static final P ROOT = new P(KeyPath.ROOT, 0);

        P child(String key) {
            return new P(KeyPath.child(path, key), depth + 1);
        }

        P index(int i) {
            return new P(KeyPath.index(path, i), depth + 1);
        }
    }

    private record Key(String name, int offset) {
    }

    private static final class Stop extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final transient Problem problem;

        Stop(Problem problem) {
            super(problem.message(), null, false, false);
            this.problem = problem;
        }
    }

    private final String s;
    private int pos;
    private final Map<String, Span> spans = new HashMap<>();
    /** Paths given a value or an explicit [table] header: defining one again is an error. */
    private final Set<String> defined = new HashSet<>();
    /** Tables made by dotted keys ({@code a.b = 1} makes a): a [table] header cannot open them again. */
    private final Set<String> dotted = new HashSet<>();
    /** Arrays of tables ([[x]]) and how many elements they have so far. */
    private final Map<String, Integer> arrays = new HashMap<>();
    private String context = KeyPath.ROOT;

    private TomlLocator(String text) {
        this.s = text;
    }

    static Result scan(String text) {
        TomlLocator scanner = new TomlLocator(text);
        try {
            scanner.document();
            return new Result(Map.copyOf(scanner.spans), null);
        } catch (Stop stop) {
            return new Result(Map.copyOf(scanner.spans), stop.problem);
        }
    }

    private void document() {
        P table = P.ROOT;
        while (true) {
            skipBlank();
            if (pos >= s.length()) return;
            if (peek() == '[') {
                table = peekAt(1) == '[' ? arrayHeader() : tableHeader();
            } else {
                keyValue(table);
            }
            endOfLine();
        }
    }

    /** A header read up to its closing brackets: where it starts, its last key and the table that key is in. */
    private record Header(int start, Key last, P parent) {
        P path() {
            return parent.child(last.name());
        }
    }

    /** Reads a header opened by {@code brackets} '[' characters. */
    private Header header(int brackets) {
        int start = pos;
        pos += brackets;
        skipWs();
        List<Key> keys = key();
        Key last = keys.getLast();
        context = resolve(keys, keys.size() - 1, -1).child(last.name()).path();
        skipWs();
        String what = brackets == 1 ? "a table header ends with ']'" : "an array-of-tables header ends with ']]'";
        for (int i = 0; i < brackets; i++) expect(']', what);
        return new Header(start, last, resolve(keys, keys.size() - 1, start));
    }

    private P tableHeader() {
        Header h = header(1);
        P path = h.path();
        checkDepth(path, h.last().offset());
        context = path.path();
        if (arrays.containsKey(path.path())) {
            throw syntaxAt(h.last().offset(), "[" + path.path() + "] names an array of tables; add an element with [[...]]");
        }
        if (defined.contains(path.path()) || dotted.contains(path.path())) {
            throw structural(path.path(), h.last().offset(), "table [" + path.path() + "] is defined twice; first at "
                    + where(spans.get(path.path()).value()) + (dotted.contains(path.path())
                    ? " by a dotted key. Write its keys in one place" : ". Merge the two"));
        }
        defined.add(path.path());
        spans.put(path.path(), new Span(h.last().offset(), h.start()));
        return path;
    }

    private P arrayHeader() {
        Header h = header(2);
        P array = h.path();
        int n = arrays.merge(array.path(), 1, Integer::sum);
        Span span = new Span(h.last().offset(), h.start());
        spans.putIfAbsent(array.path(), span);
        P element = array.index(n - 1);
        checkDepth(element, h.last().offset());
        context = element.path();
        spans.put(element.path(), span);
        return element;
    }

    /**
     * The concrete path of the first {@code count} header keys: an array of tables means its last element. With
     * a {@code headerStart} of -1 nothing is recorded (a header's path for a syntax error before its ']').
     */
    private P resolve(List<Key> keys, int count, int headerStart) {
        P path = P.ROOT;
        for (int i = 0; i < count; i++) {
            Key k = keys.get(i);
            path = path.child(k.name());
            checkDepth(path, k.offset());
            Integer elements = arrays.get(path.path());
            if (elements != null) path = path.index(elements - 1);
            if (headerStart >= 0) spans.putIfAbsent(path.path(), new Span(k.offset(), headerStart));
        }
        return path;
    }

    private void keyValue(P table) {
        context = table.path();
        List<Key> keys = key();
        P path = table;
        for (int i = 0; i < keys.size() - 1; i++) {
            Key k = keys.get(i);
            path = path.child(k.name());
            checkDepth(path, k.offset());
            spans.putIfAbsent(path.path(), new Span(k.offset(), k.offset()));
            dotted.add(path.path());
        }
        Key last = keys.getLast();
        path = path.child(last.name());
        checkDepth(path, last.offset());
        context = path.path();
        Span before = spans.get(path.path());
        if (before != null) {
            throw structural(path.path(), last.offset(), "key \"" + last.name() + "\" is defined twice; first at "
                    + where(before.key()) + ". Keep one of them");
        }
        skipWs();
        expect('=', "a key is followed by '=' and its value");
        skipWs();
        spans.put(path.path(), new Span(last.offset(), pos));
        defined.add(path.path());
        value(path);
    }

    private void value(P path) {
        if (pos >= s.length()) throw syntax("a value is missing after '='");
        char c = peek();
        switch (c) {
            case '"' -> {
                if (s.startsWith("\"\"\"", pos)) multiLineBasic(); else basic();
            }
            case '\'' -> {
                if (s.startsWith("'''", pos)) multiLineLiteral(); else literal();
            }
            case '[' -> array(path);
            case '{' -> inlineTable(path);
            default -> scalar(path);
        }
    }

    private void array(P path) {
        pos++;
        for (int i = 0; ; i++) {
            skipBlank();
            if (pos < s.length() && peek() == ']') {
                pos++;
                return;
            }
            P element = path.index(i);
            checkDepth(element, pos);
            spans.put(element.path(), new Span(pos, pos));
            value(element);
            skipBlank();
            if (pos < s.length() && peek() == ',') {
                pos++;
            } else {
                expect(']', "array elements are separated by ',' and the array ends with ']'");
                return;
            }
        }
    }

    private void inlineTable(P path) {
        pos++;
        skipWs();
        if (pos < s.length() && peek() == '}') {
            pos++;
            return;
        }
        while (true) {
            keyValue(path);
            skipWs();
            if (pos < s.length() && peek() == ',') {
                pos++;
                skipWs();
            } else {
                expect('}', "an inline table's keys are separated by ',' on one line and it ends with '}'");
                return;
            }
        }
    }

    private void scalar(P path) {
        int start = pos;
        while (pos < s.length() && !endsScalar(peek())) pos++;
        // a local date-time may separate date and time with one space: 1979-05-27 07:32:00
        // peekAt, not peek: a date may end the document (found by ConfigLoaderFuzzTest: "c= 1939-00-40")
        if (pos - start == 10 && s.charAt(start + 4) == '-' && peekAt(0) == ' ' && Character.isDigit(peekAt(1))) {
            pos++;
            while (pos < s.length() && !endsScalar(peek())) pos++;
        }
        if (pos == start) throw syntax("expected a value (a string, number, boolean, date, array or inline table)");
        if (pos - start > MAX_SCALAR_CHARS) {
            throw structural(path.path(), start, "a value of " + (pos - start) + " characters is too long; numbers, "
                    + "booleans and dates are at most " + MAX_SCALAR_CHARS);
        }
    }

    private static boolean endsScalar(char c) {
        return c == ' ' || c == '\t' || c == ',' || c == ']' || c == '}' || c == '#' || c == '\r' || c == '\n'
                || c == '=' || c == '[' || c == '{' || c == '"' || c == '\'';
    }

    /** A key: simple keys separated by dots, with optional whitespace around the dots. */
    private List<Key> key() {
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

    private static boolean isBareKeyChar(char c) {
        return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' || c == '-';
    }

    private String basic() {
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

    private void multiLineBasic() {
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

    private String literal() {
        int start = ++pos;
        while (true) {
            if (pos >= s.length() || peek() == '\n' || peek() == '\r') throw syntax("unterminated string: add the closing \"'\"");
            if (peek() == '\'') return s.substring(start, pos++);
            pos++;
        }
    }

    private void multiLineLiteral() {
        pos += 3;
        int end = s.indexOf("'''", pos);
        if (end < 0) throw syntax("unterminated multi-line string: add the closing \"'''\"");
        pos = end + 3;
        for (int extra = 0; extra < 2 && pos < s.length() && peek() == '\''; extra++) pos++;
    }

    private void escape(StringBuilder sb) {
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
    private void skipBlank() {
        while (pos < s.length()) {
            char c = peek();
            if (c == ' ' || c == '\t' || c == '\n') pos++;
            else if (c == '\r' && peekAt(1) == '\n') pos += 2;
            else if (c == '#') skipComment();
            else return;
        }
    }

    private void skipWs() {
        while (pos < s.length() && (peek() == ' ' || peek() == '\t')) pos++;
    }

    private void skipComment() {
        while (pos < s.length() && peek() != '\n' && !(peek() == '\r' && peekAt(1) == '\n')) pos++;
    }

    private void endOfLine() {
        skipWs();
        if (pos < s.length() && peek() == '#') skipComment();
        if (pos >= s.length()) return;
        if (peek() == '\n') pos++;
        else if (peek() == '\r' && peekAt(1) == '\n') pos += 2;
        else throw syntax("expected the end of the line after the value (one key = value per line)");
    }

    private void expect(char c, String what) {
        if (pos >= s.length() || peek() != c) throw syntax(what);
        pos++;
    }

    private void checkDepth(P path, int offset) {
        if (path.depth() > MAX_DEPTH) {
            throw structural(path.path(), offset, "nested " + path.depth() + " levels deep; at most " + MAX_DEPTH
                    + " are allowed (tables, array elements and dotted keys each count one; the schema needs 6: "
                    + "gpu[].type[].display.key)");
        }
    }

    private char peek() {
        return s.charAt(pos);
    }

    private char peekAt(int ahead) {
        return pos + ahead < s.length() ? s.charAt(pos + ahead) : '\0';
    }

    private Stop syntax(String message) {
        return syntaxAt(pos, message);
    }

    private Stop syntaxAt(int offset, String message) {
        String found = offset >= s.length() ? "the end of the file" : describe(s.codePointAt(offset));
        return new Stop(new Problem(context, offset, "TOML syntax error: " + message + ", found " + found));
    }

    private Stop structural(String path, int offset, String message) {
        return new Stop(new Problem(path, offset, message));
    }

    private String where(int offset) {
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
