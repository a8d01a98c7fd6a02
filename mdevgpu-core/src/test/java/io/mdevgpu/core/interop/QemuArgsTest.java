package io.mdevgpu.core.interop;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

/** QEMU's arguments for an mdev instance (the VF form is in {@link VfInteropTest}). */
class QemuArgsTest {
    @Test
    void anMdevGoesByItsSysfsDirectoryWithoutTheVmsUuid() {
        assertEquals(List.of("-device", "vfio-pci,sysfsdev=/sys/bus/mdev/devices/83b8f4f2-509f-482f-bc1e-e6bfe0fa1001"),
                QemuArgs.mdevVgpu(Path.of("/sys/bus/mdev/devices/83b8f4f2-509f-482f-bc1e-e6bfe0fa1001")));
        assertThrows(NullPointerException.class, () -> QemuArgs.mdevVgpu(null));
    }

    @Test
    void aCommaInThePathIsDoubledAndARelativePathMadeAbsolute() {
        assertEquals("vfio-pci,sysfsdev=/tmp/a,,b/sys/bus/mdev/devices/u",
                QemuArgs.mdevVgpu(Path.of("/tmp/a,b/sys/bus/mdev/devices/u")).get(1), "QEMU reads ',,' as one comma");
        assertEquals("vfio-pci,sysfsdev=" + Path.of("host/sys").toAbsolutePath(),
                QemuArgs.mdevVgpu(Path.of("host/sys")).get(1));
    }
}
