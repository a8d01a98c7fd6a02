package io.mdevgpu.core.host;

import io.mdevgpu.ApplyResult;
import io.mdevgpu.Display;
import io.mdevgpu.MappedRegion;
import io.mdevgpu.MdevHost;
import io.mdevgpu.MdevInstance;
import io.mdevgpu.MdevType;
import io.mdevgpu.MdevTypeBuilder;
import io.mdevgpu.ParentDevice;
import io.mdevgpu.Plan;
import io.mdevgpu.Size;
import io.mdevgpu.VfioDevice;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** DESIGN.md's "user's view", line by line, through the public API only. */
class UsersViewTest {
    @Test
    void theJShellWalkThroughOfTheDesignRunsAsWritten() {
        try (MdevHost host = MdevHost.simulated("a100x2")) {
            List<ParentDevice> gpus = host.gpus();
            assertEquals(2, gpus.size());
            assertTrue(gpus.getFirst().toString().startsWith("0000:65:00.0 NVIDIA A100-SXM4-40GB 10de:20b0 [10de:134f] rev a1, 40GiB"),
                    gpus.getFirst().toString());
            ParentDevice gpu = host.gpu("0000:65:00.0");
            MdevType quarter = MdevTypeBuilder.number(531).name("Open vAmpere/4")
                    .framebuffer(Size.mib(9536)).reserved(Size.mib(704)).maxInstances(4)
                    .display(Display.heads(4).maxResolution(1920, 1080)).build();
            Plan plan = gpu.plan(quarter);
            assertTrue(plan.fits(), plan::toString);
            assertTrue(plan.toString().contains("nvidia-531"), plan::toString);
            ApplyResult result = plan.apply();
            assertTrue(result.steps().contains("registered nvidia-531 on GPU 0000:65:00.0, its earlier types discarded"),
                    result.steps()::toString);
            MdevInstance vgpu = gpu.create("nvidia-531");
            try (VfioDevice dev = vgpu.open()) {
                assertEquals(0x10de, dev.config().read(0, 2));
                try (MappedRegion bar0 = dev.region(0).map()) {
                    assertEquals(Size.mib(16).bytes(), bar0.segment().byteSize());
                }
            }
            vgpu.remove();
            assertEquals(List.of(), host.instances());
        }
    }
}
