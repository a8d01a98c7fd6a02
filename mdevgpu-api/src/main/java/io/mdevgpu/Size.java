package io.mdevgpu;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An amount of memory in bytes, printed in the largest binary unit that divides it exactly
 * ({@code 9536MiB}, {@code 40GiB}, {@code 4097B}). Parsing accepts the same forms and the SI-looking
 * {@code KB/MB/GB/TB}, which the GPU world uses for binary units too. Immutable; ordered by bytes.
 *
 * @param bytes the amount in bytes, 0 to 2^63-1
 */
public record Size(long bytes) implements Comparable<Size> {
    /** No bytes; also what {@link ParentDevice#framebuffer()} gives when nothing knows a GPU's framebuffer. */
    public static final Size ZERO = new Size(0);

    private static final Pattern FORM = Pattern.compile("\\s*(\\d+)\\s*([KMGT]i?B?|B)?\\s*", Pattern.CASE_INSENSITIVE);
    private static final String[] UNITS = {"B", "KiB", "MiB", "GiB", "TiB"};

    /**
     * Checks the amount.
     *
     * @throws ValidationException when {@code bytes} is negative
     */
    public Size {
        if (bytes < 0) {
            throw new ValidationException("size", bytes + " bytes", "a size cannot be negative");
        }
    }

    /**
     * {@return {@code bytes} bytes}
     *
     * @param bytes the amount, not negative
     * @throws ValidationException when {@code bytes} is negative
     */
    public static Size bytes(long bytes) { return new Size(bytes); }

    /**
     * {@return {@code kib} kibibytes (1024 bytes each)}
     *
     * @param kib the amount, not negative
     * @throws ValidationException when {@code kib} is negative or the bytes exceed 2^63-1
     */
    public static Size kib(long kib) { return new Size(scaled(kib, 10, "KiB")); }

    /**
     * {@return {@code mib} mebibytes (2^20 bytes each), the unit the NVIDIA driver counts framebuffers in}
     *
     * @param mib the amount, not negative
     * @throws ValidationException when {@code mib} is negative or the bytes exceed 2^63-1
     */
    public static Size mib(long mib) { return new Size(scaled(mib, 20, "MiB")); }

    /**
     * {@return {@code gib} gibibytes (2^30 bytes each)}
     *
     * @param gib the amount, not negative
     * @throws ValidationException when {@code gib} is negative or the bytes exceed 2^63-1
     */
    public static Size gib(long gib) { return new Size(scaled(gib, 30, "GiB")); }

    /**
     * {@return {@code tib} tebibytes (2^40 bytes each)}
     *
     * @param tib the amount, not negative
     * @throws ValidationException when {@code tib} is negative or the bytes exceed 2^63-1
     */
    public static Size tib(long tib) { return new Size(scaled(tib, 40, "TiB")); }

    /**
     * Parses {@code "2GiB"}, {@code "896MiB"}, {@code "896M"}, {@code "4096"} (bytes): a whole number and an
     * optional unit ({@code K}, {@code Ki}, {@code KB} or {@code KiB}, likewise {@code M}, {@code G}, {@code T}, all
     * binary, any case), with blanks allowed around both.
     *
     * @param text the text, as a TOML value or command-line argument gives it; null is refused
     * @return the size
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

    /** {@return the size in whole kibibytes, rounded down} */
    public long toKiB() { return bytes >> 10; }

    /** {@return the size in whole mebibytes, rounded down (see {@link #isWholeMiB()})} */
    public long toMiB() { return bytes >> 20; }

    /** {@return the size in whole gibibytes, rounded down} */
    public long toGiB() { return bytes >> 30; }

    /** {@return whether this size is a whole number of mebibytes (the unit the NVIDIA driver counts in)} */
    public boolean isWholeMiB() { return (bytes & ((1L << 20) - 1)) == 0; }

    /**
     * {@return this size and {@code other} together}
     *
     * @param other the size to add
     * @throws ArithmeticException when the sum exceeds 2^63-1 bytes
     */
    public Size plus(Size other) { return new Size(Math.addExact(bytes, other.bytes)); }

    /**
     * {@return this size less {@code other}}
     *
     * @param other the size to take away, at most this size
     * @throws ValidationException when {@code other} is larger (a size cannot be negative)
     */
    public Size minus(Size other) { return new Size(Math.subtractExact(bytes, other.bytes)); }

    /**
     * {@return this size {@code n} times}
     *
     * @param n the factor, not negative
     * @throws ArithmeticException when the product exceeds 2^63-1 bytes
     * @throws ValidationException when the product is negative
     */
    public Size times(long n) { return new Size(Math.multiplyExact(bytes, n)); }

    /**
     * {@return this size split in {@code n} parts: the bytes of one, rounded down}
     *
     * @param n the number of parts, positive
     * @throws ArithmeticException when {@code n} is 0
     * @throws ValidationException when the quotient is negative
     */
    public Size dividedBy(long n) { return new Size(bytes / n); }

    /**
     * Rounds up to a multiple of {@code alignment} (a power of two or any positive size).
     *
     * @param alignment the unit to round to; 0 or 1 byte leaves this size as it is
     * @return the smallest multiple of {@code alignment} not below this size
     * @throws ArithmeticException when that multiple exceeds 2^63-1 bytes
     */
    public Size alignUp(Size alignment) {
        long a = alignment.bytes;
        if (a <= 1) return this;
        return new Size(Math.multiplyExact(Math.ceilDiv(bytes, a), a));
    }

    /** {@return whether the bytes are a power of two (1, 2, 4... bytes; false for zero)} */
    public boolean isPowerOfTwo() { return bytes != 0 && (bytes & (bytes - 1)) == 0; }

    /** {@return whether this size is no bytes} */
    public boolean isZero() { return bytes == 0; }

    /**
     * {@return whether this size has more bytes than {@code other}}
     *
     * @param other the size to compare with
     */
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
