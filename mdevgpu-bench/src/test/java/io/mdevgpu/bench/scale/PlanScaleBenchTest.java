package io.mdevgpu.bench.scale;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class PlanScaleBenchTest {
    @Test
    void everySplitFitsAsManyTimesAsItDividesTheGpu() {
        PlanScaleBench bench = new PlanScaleBench();
        bench.gpus = 64;
        bench.types = 48;
        bench.open();
        assertEquals(48, bench.typesPerGpu.size());
        // type 1/n fits n times: 64 GPUs x (1 + 2 + ... + 48)
        assertEquals(64 * 48 * 49 / 2, bench.plan_mdevgpu());
    }
}
