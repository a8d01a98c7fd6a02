package io.mdevgpu;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An amount of memory in bytes, printed in the largest binary unit that divides it exactly
 * ({@code 9536MiB}, {@code 40GiB}, {@code 4097B}). Parsing accepts the same forms and the SI-looking
 * {@code KB/MB/GB/TB}, which the GPU world uses for binary units too.
 */
public record Size(long bytes) implements Comparable<Size> {
    public static final Size ZERO = new Size(0);

    private static final Pattern FORM = Pattern.compile("\\s*(\\d+)\\s*([KMGT]i?B?|B)?\\s*", Pattern.CASE_INSENSITIVE);
    private static final String[] UNITS = {"B", "KiB", "MiB", "GiB", "TiB"};

    public Size {
        if (bytes < 0) {
            throw new ValidationException("size", bytes + " bytes", "a size cannot be negative");
        }
    }

    public static Size bytes(long bytes) { return new Size(bytes); }
    public static Size kib(long kib) { return new Size(scaled(kib, 10, "KiB")); }
    public static Size mib(long mib) { return new Size(scaled(mib, 20, "MiB")); }
    public static Size gib(long gib) { return new Size(scaled(gib, 30, "GiB")); }
    public static Size tib(long tib) { return new Size(scaled(tib, 40, "TiB")); }

    /**
     * Parses {@code "2GiB"}, {@code "896MiB"}, {@code "896M"}, {@code "4096"} (bytes).
     *
     * @throws ValidationException naming the text and the accepted forms
     */
    public static Size parse(String text) {
        Matcher m = FORM.matcher(text == null ? "" : text);
        if (!m.matches()) {
            throw new ValidationException("size", String.valueOf(text),
                    "expected a whole number with an optional binary unit: B, KiB, MiB, GiB, TiB (e.g. \"9536MiB\", \"40GiB\")");
        }
        long value;
        try {
            value = Long.parseLong(m.group(1));
        } catch (NumberFormatException e) {
            throw new ValidationException("size", text, "the number is larger than 2^63-1");
        }
        String unit = m.group(2) == null ? "B" : m.group(2).toUpperCase(Locale.ROOT);
        int shift = switch (unit.charAt(0)) {
            case 'K' -> 10;
            case 'M' -> 20;
            case 'G' -> 30;
            case 'T' -> 40;
            default -> 0;
        };
        return new Size(scaled(value, shift, text));
    }

    private static long scaled(long value, int shift, String what) {
        if (value < 0) {
            throw new ValidationException("size", value + " " + what, "a size cannot be negative");
        }
        if (shift > 0 && value > (Long.MAX_VALUE >> shift)) {
            throw new ValidationException("size", value + " " + what, "larger than 8 EiB");
        }
        return value << shift;
    }

    public long toKiB() { return bytes >> 10; }
    public long toMiB() { return bytes >> 20; }
    public long toGiB() { return bytes >> 30; }

    /** Whether this size is a whole number of mebibytes (the unit the NVIDIA driver counts in). */
    public boolean isWholeMiB() { return (bytes & ((1L << 20) - 1)) == 0; }

    public Size plus(Size other) { return new Size(Math.addExact(bytes, other.bytes)); }
    public Size minus(Size other) { return new Size(Math.subtractExact(bytes, other.bytes)); }
    public Size times(long n) { return new Size(Math.multiplyExact(bytes, n)); }
    public Size dividedBy(long n) { return new Size(bytes / n); }

    /** Rounds up to a multiple of {@code alignment} (a power of two or any positive size). */
    public Size alignUp(Size alignment) {
        long a = alignment.bytes;
        if (a <= 1) return this;
        return new Size(Math.multiplyExact(Math.ceilDiv(bytes, a), a));
    }

    public boolean isPowerOfTwo() { return bytes != 0 && (bytes & (bytes - 1)) == 0; }
    public boolean isZero() { return bytes == 0; }
    public boolean isLargerThan(Size other) { return bytes > other.bytes; }

    @Override
    public int compareTo(Size other) { return Long.compare(bytes, other.bytes); }

    @Override
    public String toString() {
        if (bytes == 0) return "0B";
        int unit = 0;
        long value = bytes;
        while (unit < UNITS.length - 1 && (value & 1023) == 0) {
            value >>= 10;
            unit++;
        }
        return value + UNITS[unit];
    }
}
