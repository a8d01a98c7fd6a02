package io.mdevgpu.kernel.abi.nvrm;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.mdevgpu.kernel.abi.nvrm.NvrmTables.Field;
import io.mdevgpu.kernel.abi.nvrm.NvrmTables.Struct;
import io.mdevgpu.kernel.abi.nvrm.NvrmTables.Table;

/**
 * Reads the text of one layout table (the format {@link NvrmTables} describes), line by line and by hand: the four
 * line patterns as regexes cost a cold process some 5 ms per release, which the first RM call pays.
 */
final class TableText {
    private TableText() {
    }

    static Table parse(String release, String text) {
        Map<String, Struct> structs = new LinkedHashMap<>();
        Set<String> absent = new LinkedHashSet<>();
        Map<String, Integer> controls = new LinkedHashMap<>();
        String name = null, header = null;
        long size = 0, alignment = 0;
        List<Field> fields = new ArrayList<>();
        int start = 0;
        while (start <= text.length()) {
            int end = text.indexOf('\n', start);
            if (end < 0) end = text.length();
            String line = text.substring(start, end);
            start = end + 1;
            if (line.isBlank()) continue;
            List<String> words = words(line);
            if (Character.isWhitespace(line.charAt(0))) {
                Field f = field(words);
                if (f == null) throw unreadable(release, line);
                if (name == null) throw new IllegalArgumentException(release + ": a field before any struct: " + line);
                fields.add(f);
                continue;
            }
            if (name != null) {
                structs.put(name, new Struct(name, header, size, alignment, fields));
                name = null;
                fields.clear();
            }
            int open = line.indexOf(" (");
            int close = line.lastIndexOf("): size=");
            if (words.size() == 2 && words.get(1).equals("ABSENT") && isName(words.get(0), ':')) {
                absent.add(words.get(0).substring(0, words.get(0).length() - 1));
            } else if (words.size() == 3 && words.get(1).equals("=") && isHex(words.get(2))) {
                controls.put(words.getFirst(), Integer.parseUnsignedInt(words.get(2), 2, words.get(2).length(), 16));
            } else if (open > 0 && close > open + 2 && line.indexOf(' ') == open) {
                List<String> tail = words(line.substring(close + "): size=".length()));
                if (tail.size() != 2 || !isNumber(tail.get(0)) || !tail.get(1).startsWith("align=")
                        || !isNumber(tail.get(1).substring("align=".length()))) {
                    throw unreadable(release, line);
                }
                name = line.substring(0, open);
                header = line.substring(open + 2, close);
                size = Long.parseLong(tail.get(0));
                alignment = Long.parseLong(tail.get(1).substring("align=".length()));
            } else {
                throw unreadable(release, line);
            }
        }
        if (name != null) structs.put(name, new Struct(name, header, size, alignment, fields));
        return new Table(release, structs, absent, controls);
    }

    /** {@code declaration type off=N size=N}, where a number may stand apart from its {@code =}; null if not. */
    private static Field field(List<String> words) {
        List<String> joined = new ArrayList<>(4);
        for (int i = 0; i < words.size(); i++) {
            String w = words.get(i);
            joined.add(w.endsWith("=") && i + 1 < words.size() && i >= 2 ? w + words.get(++i) : w);
        }
        if (joined.size() != 4) return null;
        String offset = value(joined.get(2), "off="), size = value(joined.get(3), "size=");
        if (offset == null || size == null) return null;
        String declaration = joined.get(0);
        int bracket = declaration.indexOf('[');
        return new Field(bracket < 0 ? declaration : declaration.substring(0, bracket), declaration, joined.get(1),
                Long.parseLong(offset), Long.parseLong(size));
    }

    private static String value(String word, String key) {
        if (!word.startsWith(key)) return null;
        String number = word.substring(key.length());
        return isNumber(number) ? number : null;
    }

    /** The line's words, split at whitespace. */
    private static List<String> words(String line) {
        List<String> words = new ArrayList<>(6);
        int i = 0, n = line.length();
        while (i < n) {
            while (i < n && Character.isWhitespace(line.charAt(i))) i++;
            int from = i;
            while (i < n && !Character.isWhitespace(line.charAt(i))) i++;
            if (i > from) words.add(line.substring(from, i));
        }
        return words;
    }

    private static boolean isNumber(String s) {
        if (s.isEmpty() || s.length() > 18) return false;
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') return false;
        }
        return true;
    }

    /** {@code 0x} and one to eight hex digits. */
    private static boolean isHex(String s) {
        if (!s.startsWith("0x") || s.length() < 3 || s.length() > 10) return false;
        for (int i = 2; i < s.length(); i++) {
            if (Character.digit(s.charAt(i), 16) < 0) return false;
        }
        return true;
    }

    /** A name followed by {@code end}: {@code NAME:}. */
    private static boolean isName(String word, char end) {
        return word.length() > 1 && word.charAt(word.length() - 1) == end;
    }

    private static IllegalArgumentException unreadable(String release, String line) {
        return new IllegalArgumentException(release + ": unreadable NVIDIA RM layout table line: " + line);
    }
}
