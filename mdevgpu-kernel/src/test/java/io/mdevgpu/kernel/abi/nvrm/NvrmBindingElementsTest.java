package io.mdevgpu.kernel.abi.nvrm;

import static org.junit.jupiter.api.Assertions.*;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import org.junit.jupiter.api.Test;

/**
 * The generated bindings' array element accessors read and write an element at its offset in the struct, and refuse an
 * index outside the array, as the sequence var handles they replace did.
 */
class NvrmBindingElementsTest {
    @Test
    void anElementIsAtItsOffsetAndNoOtherIndexIsTaken() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ids = arena.allocate(NV0000_CTRL_GPU_ATTACH_IDS_PARAMS.LAYOUT);
            long last = NV0000_CTRL_GPU_ATTACH_IDS_PARAMS.gpuIds$length() - 1;
            NV0000_CTRL_GPU_ATTACH_IDS_PARAMS.gpuIds(ids, last, 0x6500);
            assertEquals(0x6500, ids.get(ValueLayout.JAVA_INT, NV0000_CTRL_GPU_ATTACH_IDS_PARAMS.gpuIds$offset() + last * 4));
            assertEquals(0x6500, NV0000_CTRL_GPU_ATTACH_IDS_PARAMS.gpuIds(ids, last));
            assertEquals(0, NV0000_CTRL_GPU_ATTACH_IDS_PARAMS.gpuIds(ids, 0));
            assertThrows(IndexOutOfBoundsException.class, () -> NV0000_CTRL_GPU_ATTACH_IDS_PARAMS.gpuIds(ids, last + 1));
            assertThrows(IndexOutOfBoundsException.class, () -> NV0000_CTRL_GPU_ATTACH_IDS_PARAMS.gpuIds(ids, -1, 1));

            MemorySegment version = arena.allocate(nv_ioctl_rm_api_version_t.LAYOUT);
            nv_ioctl_rm_api_version_t.versionString(version, 0, (byte) '5');
            assertEquals((byte) '5', version.get(ValueLayout.JAVA_BYTE, nv_ioctl_rm_api_version_t.versionString$offset()));
            assertThrows(IndexOutOfBoundsException.class,
                    () -> nv_ioctl_rm_api_version_t.versionString(version, nv_ioctl_rm_api_version_t.versionString$length()));
        }
    }
}
