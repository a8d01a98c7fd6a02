package io.mdevgpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.foreign.MemorySegment;

import org.junit.jupiter.api.Test;

class RegionBytesTest {
    @Test
    void printsSixteenBytesALineInHexHeadedByTheOffset() {
        byte[] header = new byte[18];
        header[0] = (byte) 0xde;
        header[1] = 0x10;
        header[2] = 0x30;
        header[3] = 0x23;
        header[17] = (byte) 0xff;
        assertEquals("""
                040: de 10 30 23 00 00 00 00 00 00 00 00 00 00 00 00
                050: 00 ff""", new RegionBytes(0x40, header).toString());
        assertEquals("000: (no bytes)", new RegionBytes(0, new byte[0]).toString());
    }

    @Test
    void isAValue() {
        byte[] bytes = {1, 2, (byte) 0xfe};
        RegionBytes r = new RegionBytes(8, bytes);
        bytes[0] = 9; // copied in
        assertEquals(new RegionBytes(8, new byte[] {1, 2, (byte) 0xfe}), r);
        assertEquals(new RegionBytes(8, new byte[] {1, 2, (byte) 0xfe}).hashCode(), r.hashCode());
        assertNotEquals(new RegionBytes(9, new byte[] {1, 2, (byte) 0xfe}), r);
        assertEquals(0xfe, r.get(2));
        assertEquals(3, r.length());
        r.toArray()[0] = 7; // copied out
        assertEquals(1, r.get(0));
    }

    @Test
    void aRegionReadsItsBytesOneAtATime() {
        Region region = new FakeRegion();
        assertEquals("010: 10 11 12", region.bytes(0x10, 3).toString());
        assertThrows(ValidationException.class, () -> region.bytes(0, 4097));
        assertThrows(ValidationException.class, () -> region.bytes(0, -1));
    }

    /** Each byte is its offset; any other width is refused, as the bytes() default must not use it. */
    private static final class FakeRegion implements Region {
        @Override public int index() { return 7; }
        @Override public long size() { return 256; }
        @Override public int flags() { return 0; }
        @Override public long offset() { return 0; }
        @Override public boolean readable() { return true; }
        @Override public boolean writable() { return false; }
        @Override public boolean mappable() { return false; }

        @Override
        public long read(long offset, int width) {
            if (width != 1) throw new AssertionError("width " + width);
            return offset & 0xff;
        }

        @Override public void write(long offset, int width, long value) { throw new AssertionError(); }
        @Override public void read(long offset, MemorySegment dst) { throw new AssertionError(); }
        @Override public MappedRegion map() { throw new AssertionError(); }
        @Override public java.lang.foreign.MemorySegment map(java.lang.foreign.Arena arena) { throw new AssertionError(); }
    }
}
