package io.mdevgpu.sim;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.mdevgpu.HostStateException;
import io.mdevgpu.kernel.testing.FuzzCorpus;
import org.junit.jupiter.api.Test;

/** The simulated host's state file on arbitrary bytes: a state, or the library's refusal naming the line. */
class SimKernelStateFuzzTest {
    private static final Path FILE = Path.of("/srv/h/run/mdevgpu-sim/kernel.state");

    /** Any bytes: a state, which writes back to the same text's meaning, or the library's refusal. */
    @FuzzTest(maxDuration = "5m")
    void stateText(byte[] data) {
        SimKernelState state;
        try {
            state = SimKernelState.parse(new String(data, UTF_8), FILE);
        } catch (HostStateException refused) {
            return;
        }
        SimKernelState again = SimKernelState.parse(state.text(), FILE);
        assertEquals(state.text(), again.text(), "what it read writes back and reads the same");
    }

    @Test
    void seedCorpusHoldsAWrittenState() {
        Map<String, byte[]> seeds = new LinkedHashMap<>();
        seeds.put("every record", SimKernelStateTest.sample().text().getBytes(UTF_8));
        seeds.put("empty host", (SimKernelState.MAGIC + "\nhost driver 550.54.14; []\n").getBytes(UTF_8));
        assertEquals(2, FuzzCorpus.check(getClass(), "stateText", seeds));
    }
}
