package io.mdevgpu.core.partition;

import io.mdevgpu.DriverLimits;
import io.mdevgpu.MdevType;
import io.mdevgpu.Size;
import io.mdevgpu.ValidationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProfileGeneratorTest {

    @ParameterizedTest(name = "1/{0} of an A100 40GB: {1} + {2} MiB, BAR1 {3} MiB")
    @CsvSource({"1, 38336, 2624, 2048", "2, 19136, 1344, 1024", "4, 9536, 704, 1024", "8, 4736, 384, 1024"})
    void reproducesThePredecessorsAmpereNumbers(int n, long framebuffer, long reserved, long bar1) {
        ProfileGenerator.Split split = ProfileGenerator.split(GpuCatalogue.A100_40G, n);
        assertEquals(n, split.instances());
        assertEquals(Size.mib(framebuffer), split.framebuffer());
        assertEquals(Size.mib(reserved), split.reserved());
        assertEquals(Size.mib(bar1), split.bar1());
        assertEquals(40960, n * (framebuffer + reserved), "the split uses the whole 40 GiB");
    }

    @Test
    void generatedTypesMatchTheOpenVAmpereProfile() {
        List<MdevType> generated = ProfileGenerator.types(GpuCatalogue.A100_40G, 529, 1, 2, 4, 8);
        assertEquals(4, generated.size());
        for (int i = 0; i < 4; i++) {
            MdevType mine = generated.get(i);
            MdevType theirs = Profiles.AMPERE.get(i);
            assertEquals(theirs.number(), mine.number());
            assertEquals(theirs.maxInstances(), mine.maxInstances());
            assertEquals(theirs.framebuffer(), mine.framebuffer());
            assertEquals(theirs.reserved(), mine.reserved());
            assertEquals(theirs.bar1(), mine.bar1());
        }
        assertEquals("a100-40g", generated.get(0).name());
        assertEquals("a100-40g/8", generated.get(3).name());
        assertEquals("Compute", generated.get(3).gpuClass());
    }

    @Test
    void splitsOtherGpusByTheSameRule() {
        // T4: 15360/4 = 3840 per instance; 3840/16 + 64 = 304 reserved; BAR1: 256 MiB / 4 = 64 MiB windows.
        assertEquals(new ProfileGenerator.Split(4, Size.mib(3536), Size.mib(304), Size.mib(64)), ProfileGenerator.split(GpuCatalogue.T4, 4));
        // H100: 81559 MiB is odd; the whole-GPU slot rounds down to 81558 (2 MiB alignment); 81558/16 + 64 = 5161.
        assertEquals(new ProfileGenerator.Split(1, Size.mib(76397), Size.mib(5161), Size.gib(2)), ProfileGenerator.split(GpuCatalogue.H100_80G, 1));
        // H100 / 3: 27186 per instance; 27186/16 + 64 = 1763.
        assertEquals(new ProfileGenerator.Split(3, Size.mib(25423), Size.mib(1763), Size.gib(1)), ProfileGenerator.split(GpuCatalogue.H100_80G, 3));
        assertEquals("1/4: 3536 MiB + 304 MiB reserved, BAR1 64MiB", ProfileGenerator.split(GpuCatalogue.T4, 4).toString());
    }

    @Test
    void theBuilderCanBeAdjustedBeforeBuilding() {
        MdevType type = ProfileGenerator.type(GpuCatalogue.T4, 700, 2).name("T4 half").ecc(true).build();
        assertEquals("T4 half", type.name());
        assertTrue(type.ecc());
        assertEquals(Size.mib(7680 - (7680 / 16 + 64)), type.framebuffer());
    }

    @Test
    void refusesNOutsideTheDriversInstanceRange() {
        ValidationException e = assertThrows(ValidationException.class, () -> ProfileGenerator.split(GpuCatalogue.A100_40G, 0));
        assertTrue(e.getMessage().contains("1.." + DriverLimits.NEWEST.maxInstancesPerGpu()), e.getMessage());
        assertThrows(ValidationException.class, () -> ProfileGenerator.split(GpuCatalogue.A100_40G, 49));
    }

    @Test
    void refusesASplitThatLeavesTheGuestNothing() {
        ValidationException e = assertThrows(ValidationException.class, () -> ProfileGenerator.split(Size.mib(2048), Size.gib(1), 32));
        assertTrue(e.getMessage().contains("64 MiB per instance leaves nothing after the 68 MiB reservation"), e.getMessage());
    }

    @Test
    void refusesBar1WindowsBelowOneMiB() {
        ValidationException e = assertThrows(ValidationException.class, () -> ProfileGenerator.split(Size.gib(40), Size.mib(16), 32));
        assertTrue(e.getMessage().contains("below 1 MiB"), e.getMessage());
    }

    @Test
    void refusesATotalThatIsNotWholeMiB() {
        assertThrows(ValidationException.class, () -> ProfileGenerator.split(Size.kib(1536), Size.gib(1), 1));
        assertThrows(ValidationException.class, () -> ProfileGenerator.split(Size.ZERO, Size.gib(1), 1));
    }
}
