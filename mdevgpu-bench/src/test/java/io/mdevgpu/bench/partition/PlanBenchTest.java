package io.mdevgpu.bench.partition;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashSet;

import io.mdevgpu.DriverLimits;
import io.mdevgpu.core.partition.PartitionPlanner;
import org.junit.jupiter.api.Test;

class PlanBenchTest {
    @Test
    void eightGpusWithSixteenTypesEachAllFit() {
        PlanBench bench = new PlanBench();
        bench.gpus = 8;
        bench.types = 16;
        bench.open();
        assertEquals(8, bench.models.length);
        assertTrue(new HashSet<>(Arrays.asList(bench.models)).size() >= 5, "every catalogue model at least once");
        for (int g = 0; g < 8; g++) {
            assertEquals(16, bench.typesPerGpu.get(g).size());
            assertTrue(PartitionPlanner.of(DriverLimits.NEWEST).plan(bench.models[g], bench.typesPerGpu.get(g)).fits(),
                    bench.models[g].id());
        }
        // each 1/n profile fits n times: 8 GPUs x (1 + 2 + 3 + ... + 48)
        assertEquals(8 * Arrays.stream(PlanBench.FRACTIONS).sum(), bench.plan_mdevgpu());
        assertEquals(8 * 259, bench.plan_mdevgpu());
    }

    @Test
    void moreTypesThanProfilesAreRefused() {
        PlanBench bench = new PlanBench();
        bench.gpus = 1;
        bench.types = 17;
        assertThrows(IllegalArgumentException.class, bench::open);
        bench.types = 0;
        assertThrows(IllegalArgumentException.class, bench::open);
    }
}
