package io.mdevgpu.kernel.abi.nvrm;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;

/**
 * C strings in fixed-size {@code char[]} fields: UTF-8, NUL-terminated within the field, the rest zero. Writing
 * allocates nothing (it encodes char by char), so that it can sit on a hot path.
 */
public final class CStrings {
    private CStrings() {
    }

    /** The length of {@code s} in UTF-8 (unpaired surrogates count as the 3-byte replacement the JDK would write). */
    public static int utf8Length(String s) {
        int n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                n += 1;
            } else if (c < 0x800) {
                n += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                n += 4;
                i++;
            } else {
                n += 3;
            }
        }
        return n;
    }

    /**
     * Writes {@code s} as UTF-8 at {@code offset}, then zeros up to {@code capacity}, so that the string always ends
     * with a NUL inside the field.
     *
     * @throws IllegalArgumentException when {@code s} needs more than {@code capacity - 1} bytes (validate first:
     *                                  {@code MdevType.checkString} names the field and the limit)
     */
    public static void write(MemorySegment segment, long offset, long capacity, String s) {
        int length = utf8Length(s);
        if (length > capacity - 1) {
            throw new IllegalArgumentException("a string of " + length + " UTF-8 bytes does not fit a " + capacity
                    + "-byte field with its NUL");
        }
        long p = offset;
        for (int i = 0; i < s.length(); i++) {
            int c = s.charAt(i);
            if (Character.isHighSurrogate((char) c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                c = Character.toCodePoint((char) c, s.charAt(++i));
            } else if (Character.isSurrogate((char) c)) {
                c = 0xFFFD;
            }
            if (c < 0x80) {
                put(segment, p++, c);
            } else if (c < 0x800) {
                put(segment, p++, 0xC0 | c >> 6);
                put(segment, p++, 0x80 | c & 0x3F);
            } else if (c < 0x10000) {
                put(segment, p++, 0xE0 | c >> 12);
                put(segment, p++, 0x80 | c >> 6 & 0x3F);
                put(segment, p++, 0x80 | c & 0x3F);
            } else {
                put(segment, p++, 0xF0 | c >> 18);
                put(segment, p++, 0x80 | c >> 12 & 0x3F);
                put(segment, p++, 0x80 | c >> 6 & 0x3F);
                put(segment, p++, 0x80 | c & 0x3F);
            }
        }
        for (; p < offset + capacity; p++) {
            put(segment, p, 0);
        }
    }

    private static void put(MemorySegment segment, long at, int b) {
        segment.set(ValueLayout.JAVA_BYTE, at, (byte) b);
    }

    /** The string at {@code offset}: UTF-8 up to the first NUL, or the whole field when it has none. */
    public static String read(MemorySegment segment, long offset, long capacity) {
        int n = 0;
        while (n < capacity && segment.get(ValueLayout.JAVA_BYTE, offset + n) != 0) {
            n++;
        }
        // byte by byte, as the NUL was found: MemorySegment.copy into an array makes the JDK spin a type-switch class
        // on its first use, some 3 ms of a command's first RM call, for strings of at most a few dozen bytes
        byte[] bytes = new byte[n];
        for (int i = 0; i < n; i++) {
            bytes[i] = segment.get(ValueLayout.JAVA_BYTE, offset + i);
        }
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** Whether the field holds a NUL, i.e. a C string that ends inside it. */
    public static boolean isTerminated(MemorySegment segment, long offset, long capacity) {
        for (long i = 0; i < capacity; i++) {
            if (segment.get(ValueLayout.JAVA_BYTE, offset + i) == 0) return true;
        }
        return false;
    }
}
