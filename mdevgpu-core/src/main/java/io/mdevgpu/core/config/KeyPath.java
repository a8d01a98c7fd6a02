package io.mdevgpu.core.config;

import java.util.Map;

/**
 * Key paths as errors print them: {@code gpu[0].type[2].display.heads}. Bare keys stay bare; any other key is
 * quoted the way TOML would write it ({@code gpu[0]."max instances"}), so two different keys never print
 * alike. The locator and the reader build paths only through here, so their paths always agree.
 */
final class KeyPath {
    static final String ROOT = "";

    private KeyPath() {
    }

    static String child(String parent, String key) {
        String k = isBare(key) ? key : quote(key);
        return parent.isEmpty() ? k : parent + "." + k;
    }

    static String index(String parent, int index) {
        return parent + "[" + index + "]";
    }

    /**
     * The path one level up ({@code gpu[0].type} for {@code gpu[0].type[1]}; {@code gpu[0]} for
     * {@code gpu[0].filter}), {@link #ROOT} at the top.
     */
    static String parent(String path) {
        boolean quoted = false;
        int cut = 0;
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (quoted) {
                if (c == '\\') i++;
                else if (c == '"') quoted = false;
            } else if (c == '"') {
                quoted = true;
            } else if (c == '.' || c == '[') {
                cut = i;
            }
        }
        return path.substring(0, cut);
    }

    /** The value {@code map} holds for {@code path} or, failing that, for its nearest ancestor; null if none. */
    static <V> V nearest(Map<String, V> map, String path) {
        for (String p = path; ; p = parent(p)) {
            V v = map.get(p);
            if (v != null || p.isEmpty()) return v;
        }
    }

    static boolean isBare(String key) {
        if (key.isEmpty()) return false;
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (!(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' || c == '-')) {
                return false;
            }
        }
        return true;
    }

    /** A TOML basic string: quotes, backslashes and control characters escaped. */
    static String quote(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\b' -> sb.append("\\b");
                case '\t' -> sb.append("\\t");
                case '\n' -> sb.append("\\n");
                case '\f' -> sb.append("\\f");
                case '\r' -> sb.append("\\r");
                default -> {
                    if (Character.isISOControl(c)) sb.append(String.format("\\u%04X", (int) c));
                    else sb.append(c);
                }
            }
        }
        return sb.append('"').toString();
    }
}
