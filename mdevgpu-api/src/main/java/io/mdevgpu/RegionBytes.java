package io.mdevgpu;

import java.util.Arrays;

/**
 * Bytes read from a {@link Region} at an offset ({@link Region#bytes}), printed the way {@code lspci -x} prints a
 * config space: sixteen bytes a line in hex, each line headed by its offset. Immutable.
 *
 * <pre>
 * 000: de 10 b5 20 07 00 10 00 a1 00 02 03 00 00 00 00
 * 010: 0c 00 00 00 00 00 00 00 0c 00 00 00 00 00 00 00
 * </pre>
 */
public final class RegionBytes {
    private final long offset;
    private final byte[] bytes;

    /**
     * Bytes read at an offset.
     *
     * @param offset where in the region the first byte was read, 0 or more
     * @param bytes  the bytes, copied
     * @throws ValidationException  when {@code offset} is negative
     * @throws NullPointerException when {@code bytes} is null
     */
    public RegionBytes(long offset, byte[] bytes) {
        if (offset < 0) throw new ValidationException("region offset", Long.toString(offset), "0 or more");
        this.offset = offset;
        this.bytes = bytes.clone();
    }

    /** {@return where in the region the first byte was read, in bytes from the region's start} */
    public long offset() {
        return offset;
    }

    /** {@return how many bytes were read} */
    public int length() {
        return bytes.length;
    }

    /**
     * One byte of them.
     *
     * @param index 0 for the byte at {@link #offset()}, up to {@link #length()} - 1
     * @return that byte, unsigned (0..255)
     * @throws IndexOutOfBoundsException when {@code index} is outside 0..{@link #length()} - 1
     */
    public int get(int index) {
        return Byte.toUnsignedInt(bytes[index]);
    }

    /** {@return a copy of the bytes, the first one read at {@link #offset()}} */
    public byte[] toArray() {
        return bytes.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RegionBytes r && r.offset == offset && Arrays.equals(r.bytes, bytes);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(offset) * 31 + Arrays.hashCode(bytes);
    }

    /** Sixteen bytes a line, each line headed by the offset of its first byte, both in hex. */
    @Override
    public String toString() {
        if (bytes.length == 0) return String.format("%03x: (no bytes)", offset);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < bytes.length; i++) {
            if (i % 16 == 0) {
                if (i > 0) sb.append('\n');
                sb.append(String.format("%03x:", offset + i));
            }
            sb.append(String.format(" %02x", bytes[i]));
        }
        return sb.toString();
    }
}
