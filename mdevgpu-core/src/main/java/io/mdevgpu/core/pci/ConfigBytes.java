package io.mdevgpu.core.pci;

import io.mdevgpu.ValidationException;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/** Little-endian 1-, 2- and 4-byte access to a config-space byte array, with the range check every access needs. */
final class ConfigBytes {
    private static final VarHandle SHORT = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

    private ConfigBytes() {
    }

    /** Fails unless {@code width} is 1, 2 or 4 and the access lies inside {@code size} bytes. Allocates nothing on success. */
    static void check(int size, int offset, int width) {
        if ((width != 1 && width != 2 && width != 4) || offset < 0 || offset > size - width) {
            throw new ValidationException("config space access", "offset 0x" + Integer.toHexString(offset) + " width " + width,
                    "an access is 1, 2 or 4 bytes wide and lies within the " + size + "-byte config space");
        }
    }

    /** The little-endian value at {@code offset}, zero-extended to an int; the caller has checked the range. */
    static int get(byte[] bytes, int offset, int width) {
        return switch (width) {
            case 4 -> (int) INT.get(bytes, offset);
            case 2 -> (short) SHORT.get(bytes, offset) & 0xffff;
            default -> bytes[offset] & 0xff;
        };
    }

    /** Stores the low {@code width} bytes of {@code value} little-endian at {@code offset}; the caller has checked the range. */
    static void set(byte[] bytes, int offset, int width, int value) {
        switch (width) {
            case 4 -> INT.set(bytes, offset, value);
            case 2 -> SHORT.set(bytes, offset, (short) value);
            default -> bytes[offset] = (byte) value;
        }
    }
}
