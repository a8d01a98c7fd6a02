package io.mdevgpu.core.pci;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.mdevgpu.MdevException;
import io.mdevgpu.kernel.testing.FuzzCorpus;
import org.junit.jupiter.api.Test;

/**
 * A physical GPU's config space ({@code /sys/bus/pci/devices/ADDRESS/config}) on arbitrary bytes: capability
 * lists that loop, point outside, overlap or end early must be refused with the library's own exceptions.
 */
class PciConfigSpaceFuzzTest {

    @FuzzTest(maxDuration = "5m")
    void parse(byte[] data) {
        try {
            PciConfigSpace.parse(data).toString();
        } catch (MdevException refused) {
            // allowed
        }
    }

    @Test
    void seedCorpusHoldsTheH100() {
        byte[] h100 = H100Fixture.config();
        Map<String, byte[]> seeds = new LinkedHashMap<>();
        seeds.put("h100 config", h100);
        seeds.put("h100 first 256 bytes", Arrays.copyOf(h100, 256));
        seeds.put("h100 first 64 bytes", Arrays.copyOf(h100, 64));
        int n = FuzzCorpus.check(getClass(), "parse", seeds);
        assertTrue(n == 3, n + " seeds");
    }
}
