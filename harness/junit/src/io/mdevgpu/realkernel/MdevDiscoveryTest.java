package io.mdevgpu.realkernel;

import io.mdevgpu.realkernel.SampleDriver.SampleType;
import io.mdevgpu.realkernel.jdk.SysfsMdev;
import io.mdevgpu.realkernel.jdk.SysfsMdev.TypeInfo;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;

@ExtendWith(GuestVm.class)
class MdevDiscoveryTest {
    @Test
    @DisplayName("1. discovery of the three parents and their eight types with name, description, device API, available instances")
    void discoveryOfTheThreeParentsAndTheirEightTypes() {
        assertEquals(Arrays.stream(SampleDriver.values()).map(d -> d.parent).sorted().toList(), SysfsMdev.parents());
        for (SampleDriver driver : SampleDriver.values()) {
            List<TypeInfo> types = SysfsMdev.types(driver.parent);
            assertEquals(driver.types.stream().map(SampleType::id).sorted().toList(),
                    types.stream().map(TypeInfo::id).toList(), driver.parent + " types");
            for (SampleType expected : driver.types) {
                TypeInfo actual = SysfsMdev.type(driver.parent, expected.id());
                assertAll(expected.id(),
                        () -> assertEquals(driver.parent, actual.parent()),
                        () -> assertEquals(Optional.of(expected.name()), actual.name(), "name"),
                        () -> assertEquals(expected.description(), actual.description(), "description"),
                        () -> assertEquals("vfio-pci", actual.deviceApi(), "device_api"),
                        () -> assertEquals(expected.capacity(), actual.availableInstances(), "available_instances"));
            }
        }
        assertEquals(8, Arrays.stream(SampleDriver.values()).mapToInt(d -> SysfsMdev.types(d.parent).size()).sum());
    }
}
