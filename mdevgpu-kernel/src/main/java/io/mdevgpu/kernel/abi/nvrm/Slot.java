package io.mdevgpu.kernel.abi.nvrm;

import java.lang.foreign.GroupLayout;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SequenceLayout;
import java.lang.foreign.ValueLayout;

import io.mdevgpu.kernel.abi.LayoutMember;

/**
 * A field found by name in a release's layout: its offset and size, read from the layout, never written by hand.
 * Lets one codec serve every family, where a field moved, grew (a 32-byte name became 64) or changed width (510's
 * u64 encoder capacity). Absent fields ({@link #ABSENT}) read as 0 and ignore writes.
 */
final class Slot {
    static final Slot ABSENT = new Slot(-1, 0, 0);

    final long offset;
    final long size;
    /** The width of one element: the field's size, or its element's for an array. */
    final long elementSize;

    private Slot(long offset, long size, long elementSize) {
        this.offset = offset;
        this.size = size;
        this.elementSize = elementSize;
    }

    /** The field at {@code path}; fails when the layout has none (a binding the family must have). */
    static Slot of(GroupLayout layout, String... path) {
        LayoutMember member = LayoutMember.of(layout, path);
        MemoryLayout field = member.layout();
        long element = field instanceof SequenceLayout s ? s.elementLayout().byteSize() : field.byteSize();
        return new Slot(member.offset(), field.byteSize(), element);
    }

    /** The field, or {@link #ABSENT} where this release's struct has no such member. */
    static Slot optional(GroupLayout layout, String name) {
        return LayoutMember.has(layout, name) ? of(layout, name) : ABSENT;
    }

    boolean present() {
        return offset >= 0;
    }

    long count() {
        return size / elementSize;
    }

    /** Writes {@code value} into the field's width at {@code base + offset} (element {@code index} of an array). */
    void put(MemorySegment s, long base, long index, long value) {
        if (present()) write(s, base + offset + index * elementSize, elementSize, value);
    }

    void put(MemorySegment s, long base, long value) {
        put(s, base, 0, value);
    }

    /** The field's value, zero-extended; 0 for an absent field. */
    long get(MemorySegment s, long base, long index) {
        return present() ? read(s, base + offset + index * elementSize, elementSize) : 0;
    }

    /** The integer of {@code width} bytes at {@code at}, zero-extended. */
    static long read(MemorySegment s, long at, long width) {
        return switch ((int) width) {
            case 1 -> Byte.toUnsignedLong(s.get(ValueLayout.JAVA_BYTE, at));
            case 2 -> Short.toUnsignedLong(s.get(ValueLayout.JAVA_SHORT, at));
            case 4 -> Integer.toUnsignedLong(s.get(ValueLayout.JAVA_INT, at));
            case 8 -> s.get(ValueLayout.JAVA_LONG, at);
            default -> throw new IllegalStateException("no integer is " + width + " bytes wide");
        };
    }

    /** Writes {@code value} into the {@code width} bytes at {@code at}, truncated to them. */
    static void write(MemorySegment s, long at, long width, long value) {
        switch ((int) width) {
            case 1 -> s.set(ValueLayout.JAVA_BYTE, at, (byte) value);
            case 2 -> s.set(ValueLayout.JAVA_SHORT, at, (short) value);
            case 4 -> s.set(ValueLayout.JAVA_INT, at, (int) value);
            case 8 -> s.set(ValueLayout.JAVA_LONG, at, value);
            default -> throw new IllegalStateException("no integer is " + width + " bytes wide");
        }
    }

    long get(MemorySegment s, long base) {
        return get(s, base, 0);
    }

    void putString(MemorySegment s, long base, String value) {
        CStrings.write(s, base + offset, size, value);
    }

    String getString(MemorySegment s, long base) {
        return CStrings.read(s, base + offset, size);
    }
}
