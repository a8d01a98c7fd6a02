package io.mdevgpu.core.host;

import static org.junit.jupiter.api.Assertions.*;

import io.mdevgpu.HostSpec;
import io.mdevgpu.HostStateException;
import io.mdevgpu.MdevHost;

import org.junit.jupiter.api.Test;

/** The core's own tests run without mdevgpu-sim: asking for a simulated host names the artifact to add. */
class SimulatorMissingTest {
    @Test
    void aSimulatedHostWithoutTheSimulatorNamesTheArtifactToAdd() {
        HostStateException e = assertThrows(HostStateException.class, () -> MdevHost.simulated("default"));
        assertEquals("open simulated host", e.operation());
        assertEquals(HostSpec.simulated("default").toString(), e.target());
        assertTrue(e.getMessage().contains("no simulator found"), e.getMessage());
        assertEquals("Add io.mdevgpu:mdevgpu-sim (test scope for tests) to the class or module path", e.fix().orElseThrow());
    }

    @Test
    void aSimulatedHostSpecParsedFromTextFailsTheSameWay() {
        HostSpec spec = HostSpec.parse("sim:a100x2");
        HostStateException e = assertThrows(HostStateException.class, () -> MdevHost.open(spec));
        assertTrue(e.fix().orElseThrow().contains("io.mdevgpu:mdevgpu-sim"), e.getMessage());
    }
}
