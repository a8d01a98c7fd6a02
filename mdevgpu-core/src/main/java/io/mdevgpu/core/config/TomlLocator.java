package io.mdevgpu.core.config;

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
final class TomlLocator extends TomlLexer {
    /** Levels of nesting (keys, tables, array elements) allowed; the schema itself needs 6. */
    static final int MAX_DEPTH = 16;
    /** No number, boolean or date is longer; jackson's own limit (1000 digits) has no location. */
    static final int MAX_SCALAR_CHARS = 128;

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

    private final Map<String, Span> spans = new HashMap<>();
    /** Paths given a value or an explicit [table] header: defining one again is an error. */
    private final Set<String> defined = new HashSet<>();
    /** Tables made by dotted keys ({@code a.b = 1} makes a): a [table] header cannot open them again. */
    private final Set<String> dotted = new HashSet<>();
    /** Arrays of tables ([[x]]) and how many elements they have so far. */
    private final Map<String, Integer> arrays = new HashMap<>();

    private TomlLocator(String text) {
        super(text);
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

    private void checkDepth(P path, int offset) {
        if (path.depth() > MAX_DEPTH) {
            throw structural(path.path(), offset, "nested " + path.depth() + " levels deep; at most " + MAX_DEPTH
                    + " are allowed (tables, array elements and dotted keys each count one; the schema needs 6: "
                    + "gpu[].type[].display.key)");
        }
    }
}
