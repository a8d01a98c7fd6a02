package io.mdevgpu.kernel.sys;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class IoctlTest {
    @Test
    void encodesLikeTheKernelMacros() {
        // values from the kernel's headers: VFIO_GET_API_VERSION = _IO(';', 100), NV_ESC_RM_CONTROL = _IOWR('F', 0x2a, 32)
        assertEquals(0x3B64, Ioctl.io(';', 100));
        assertEquals(0xC020462A, Ioctl.iowr('F', 0x2A, 32));
        assertEquals(0x541B, Ioctl.io('T', 0x1B)); // FIONREAD
        assertEquals(0x80045430, Ioctl.ior('T', 0x30, 4)); // TIOCGPTN
        int r = Ioctl.iowr('F', 0xD2, 72);
        assertEquals(Ioctl.READ | Ioctl.WRITE, Ioctl.direction(r));
        assertEquals('F', Ioctl.type(r));
        assertEquals(0xD2, Ioctl.nr(r));
        assertEquals(72, Ioctl.size(r));
        assertEquals("0xc04846d2 (_IOWR('F', 0xd2, 72))", Ioctl.describe(r));
        assertThrows(IllegalArgumentException.class, () -> Ioctl.iowr('F', 1, 1 << 14));
    }
}
