package com.example.embedding;

import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static org.junit.jupiter.api.Assertions.*;

import java.lang.foreign.MemorySegment;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.mdevgpu.Display;
import io.mdevgpu.DriverException;
import io.mdevgpu.MappedRegion;
import io.mdevgpu.MdevHost;
import io.mdevgpu.MdevInstance;
import io.mdevgpu.MdevType;
import io.mdevgpu.MdevTypeBuilder;
import io.mdevgpu.ParentDevice;
import io.mdevgpu.Size;
import io.mdevgpu.SupportedType;
import io.mdevgpu.VfioDevice;
import io.mdevgpu.sim.Faults;
import io.mdevgpu.sim.RmControl;
import io.mdevgpu.sim.RmStatus;
import io.mdevgpu.sim.WithSimulatedHost;

/**
 * What an embedding project tests against the simulated host: each test gets a fresh host of the built-in
 * "default" inventory (two A100 40GB and a T4), closed after it with a leak check.
 */
@WithSimulatedHost("default")
class EmbeddingTest {
    /** A quarter of an A100 40GB, built in code. */
    static final MdevType QUARTER = MdevTypeBuilder.number(531).name("Open vAmpere/4")
            .framebuffer(Size.mib(9536)).reserved(Size.mib(704)).maxInstances(4)
            .display(Display.heads(4).maxResolution(1920, 1080)).build();
    /** Half of one. */
    static final MdevType HALF = MdevTypeBuilder.number(532).name("Open vAmpere/2")
            .framebuffer(Size.mib(19456)).reserved(Size.mib(1024)).maxInstances(2)
            .display(Display.heads(4).maxResolution(1920, 1080)).build();

    private static ParentDevice a100(MdevHost host) {
        return host.gpus().stream().filter(g -> g.model().contains("A100")).findFirst().orElseThrow();
    }

    @Test
    void appliesATypeCreatesAnInstanceAndMapsBar1(MdevHost host) {
        ParentDevice gpu = a100(host);
        gpu.plan(QUARTER).apply();
        assertEquals(List.of("nvidia-531"), gpu.types().stream().map(SupportedType::id).toList());

        MdevInstance vgpu = gpu.create("nvidia-531");
        try (VfioDevice device = vgpu.open(); MappedRegion bar1 = device.region(1).map()) {
            MemorySegment framebuffer = bar1.segment();
            framebuffer.set(JAVA_INT_UNALIGNED, 0x100, 0xCAFEF00D);
            assertEquals(0xCAFEF00DL, device.region(1).read(0x100, 4), "the write through the mapping, read through the fd");
        }
        vgpu.remove();
        assertEquals(List.of(), host.instances());
    }

    @Test
    void aDriverFailureDuringApplyRollsBackToTheTypesBefore(MdevHost host, Faults faults) {
        ParentDevice gpu = a100(host);
        gpu.plan(QUARTER).apply();

        faults.failNext(RmControl.VGPU_CONFIG_SET_INFO, Faults.Failure.status(RmStatus.NV_ERR_NO_MEMORY));
        DriverException e = assertThrows(DriverException.class, () -> gpu.plan(HALF).apply());
        assertEquals("NV_ERR_NO_MEMORY", e.statusName());

        assertEquals(List.of("nvidia-531"), gpu.types().stream().map(SupportedType::id).toList(), "the quarter is back");
        assertEquals(1, faults.injected().size());
        gpu.create("nvidia-531").remove(); // and usable
    }
}
