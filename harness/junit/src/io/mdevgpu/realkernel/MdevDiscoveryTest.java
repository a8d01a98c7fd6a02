package io.mdevgpu.realkernel;

import io.mdevgpu.PciAddress;
import io.mdevgpu.kernel.mdev.MdevParent;
import io.mdevgpu.kernel.mdev.MdevTypeInfo;
import io.mdevgpu.kernel.pci.PciDevice;
import io.mdevgpu.realkernel.SampleDriver.SampleType;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import static io.mdevgpu.realkernel.Library.BUS;
import static io.mdevgpu.realkernel.Library.PCI;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@ExtendWith(GuestVm.class)
class MdevDiscoveryTest {
    @Test
    @DisplayName("1. discovery of the three parents and their eight types with name, description, device API, available instances")
    void discoveryOfTheThreeParentsAndTheirEightTypes() {
        List<MdevParent> parents = BUS.parents();
        assertEquals(Arrays.stream(SampleDriver.values()).map(d -> d.parent).sorted().toList(),
                parents.stream().map(MdevParent::name).toList());
        for (SampleDriver driver : SampleDriver.values()) {
            MdevParent parent = BUS.parent(driver.parent);
            assertEquals(Optional.empty(), parent.address(), driver.parent + " is a virtual device, not a PCI function");
            assertEquals(driver.types.stream().map(SampleType::id).sorted().toList(),
                    parent.types().stream().map(MdevTypeInfo::id).toList(), driver.parent + " types");
            for (SampleType expected : driver.types) {
                MdevTypeInfo actual = BUS.type(driver.parent, expected.id());
                assertAll(expected.id(),
                        () -> assertEquals(driver.parent, actual.parent()),
                        () -> assertEquals(Optional.of(expected.name()), actual.name(), "name"),
                        () -> assertEquals(expected.description(), actual.description(), "description"),
                        () -> assertEquals("vfio-pci", actual.deviceApi(), "device_api"),
                        () -> assertEquals(expected.capacity(), actual.availableInstances(), "available_instances"),
                        () -> assertEquals(List.of(), actual.devices(), "no instances yet"),
                        () -> assertEquals(actual, parent.type(expected.id()).orElseThrow(), "the parent lists the same"));
            }
        }
        assertEquals(8, parents.stream().mapToInt(p -> p.types().size()).sum());
    }

    @Test
    @DisplayName("1a. PCI discovery reads the VM's PCI functions as sysfs shows them; none is a display controller")
    void pciDiscoveryReadsTheVmsFunctionsAsSysfsShowsThem() throws IOException {
        // the VM runs with -nodefaults: no VGA, so no GPU; the sample drivers' parents are virtual devices
        assertEquals(List.of(), PCI.displayDevices());
        List<Path> functions;
        try (Stream<Path> listed = Files.list(Path.of("/sys/bus/pci/devices"))) {
            functions = listed.sorted().toList();
        }
        assertTrue(functions.size() >= 2, "qemu's host bridge and the virtio-9p device at least: " + functions);
        for (Path function : functions) {
            PciDevice device = PCI.device(PciAddress.parse(function.getFileName().toString()));
            int vendor = Integer.decode(Files.readString(function.resolve("vendor")).strip());
            int deviceId = Integer.decode(Files.readString(function.resolve("device")).strip());
            int classCode = Integer.decode(Files.readString(function.resolve("class")).strip());
            byte[] config = Files.readAllBytes(function.resolve("config"));
            assertAll(function.toString(),
                    () -> assertEquals(vendor, device.id().vendor(), "vendor"),
                    () -> assertEquals(deviceId, device.id().device(), "device"),
                    () -> assertEquals(classCode, device.classCode(), "class"),
                    () -> assertEquals(vendor, (config[0] & 0xff) | (config[1] & 0xff) << 8, "config space vendor"),
                    () -> assertEquals(config.length, device.configSize(), "config space size"));
        }
        // qemu's q35 machine (intel-iommu needs it): the Q35 host bridge (MCH) at 00:00.0
        assertEquals(0x8086, PCI.device(PciAddress.parse("0000:00:00.0")).id().vendor());
        assertEquals(0x29c0, PCI.device(PciAddress.parse("0000:00:00.0")).id().device());
    }
}
