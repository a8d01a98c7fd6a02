package io.mdevgpu.sim;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.mdevgpu.Errno;
import io.mdevgpu.KernelException;
import io.mdevgpu.MdevHost;
import io.mdevgpu.ParentDevice;
import io.mdevgpu.ValidationException;

/** The public way to open a simulated host: options, faults by kind, the tree's place, and its removal when unclosed. */
class SimulatedHostTest {
    @Test
    void opensTheInventoryInATemporaryTreeThatTheSpecNamesAndCloseDeletes() {
        Path root;
        try (SimulatedHost sim = SimulatedHost.newBuilder().inventory("a100x2").recording(5).build()) {
            root = sim.root();
            assertTrue(Files.isDirectory(root.resolve("sys/bus/pci/devices")), root::toString);
            assertEquals(java.util.Optional.of(root), sim.host().spec().simulatedTree(), "the spec says where the tree is");
            assertEquals(java.util.Optional.empty(), sim.host().spec().simulationRoot(), "not kept");
            assertEquals("sim:a100x2", sim.host().spec().argument());
            assertEquals(2, sim.host().gpus().size());
            assertTrue(sim.faults().log().size() <= 5, "recording bound taken");
            assertEquals(5, sim.faults().recordingCapacity());
            assertTrue(sim.leaks().isClean(), sim.leaks()::toString);
            sim.requireNoLeaks();
        }
        assertFalse(Files.exists(root), "deleted on close");
    }

    @Test
    void keptInADirectoryTheTreeStays(@TempDir Path dir) {
        Path root = dir.resolve("host");
        try (SimulatedHost sim = SimulatedHost.newBuilder().root(root).build()) {
            assertEquals(root.toAbsolutePath().normalize(), sim.root());
            assertEquals(java.util.Optional.of(root), sim.host().spec().simulatedTree());
        }
        assertTrue(Files.isDirectory(root.resolve("sys")), "kept");
    }

    @Test
    void aTypedFaultReachesTheCallerAndChangesNothing() {
        try (SimulatedHost sim = SimulatedHost.newBuilder().build()) {
            MdevHost host = sim.host();
            ParentDevice gpu = host.gpus().getFirst();
            host.plan(Path.of(System.getProperty("mdevgpu.repo"), "samples/config/open-vgeneric.toml")).apply();
            String type = gpu.types().getFirst().id();
            sim.faults().failNext(MdevCall.CREATE, Faults.Failure.errno(Errno.ENOSPC));
            KernelException e = assertThrows(KernelException.class, () -> gpu.create(type));
            assertEquals(Errno.ENOSPC, e.errno());
            assertEquals(List.of(), host.instances());
            assertEquals(1, sim.faults().injected().size());
            gpu.create(type).remove();
        }
    }

    @Test
    void aHostNeverClosedHasItsTemporaryTreeRemovedOnceUnreachable() throws InterruptedException {
        Path root = openAndDrop();
        assertTrue(Files.exists(root));
        for (int i = 0; i < 300 && Files.exists(root); i++) {
            System.gc();
            Thread.sleep(100);
        }
        assertFalse(Files.exists(root), "the Cleaner removed " + root);
    }

    private static Path openAndDrop() {
        SimulatedHost sim = SimulatedHost.newBuilder().build();
        sim.host().gpus();
        return sim.root();
    }

    @Test
    void badOptionsAreRefusedWithNothingLeftBehind() {
        assertThrows(ValidationException.class, () -> SimulatedHost.newBuilder().recording(-1).build());
        assertThrows(io.mdevgpu.MdevException.class, () -> SimulatedHost.newBuilder().inventory("no-such-inventory").build());
        assertThrows(ValidationException.class, () -> io.mdevgpu.HostSpec.real().withTemporaryTree(Path.of("/tmp/x")),
                "a temporary tree only for a simulated host");
    }
}
