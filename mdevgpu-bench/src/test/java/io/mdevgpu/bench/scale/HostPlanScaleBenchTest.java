package io.mdevgpu.bench.scale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mdevgpu.Plan;
import org.junit.jupiter.api.Test;

class HostPlanScaleBenchTest {
    @Test
    void plansEveryTypeForEveryGpu() {
        HostPlanScaleBench bench = new HostPlanScaleBench();
        bench.gpus = 32;
        bench.types = 48;
        bench.open();
        try {
            Plan plan = bench.plan_mdevgpu();
            assertTrue(plan.fits(), plan.problems()::toString);
            assertEquals(32, plan.gpus().size());
            for (Plan.GpuPlan gpu : plan.gpus()) {
                assertEquals(48, gpu.types().size(), gpu::toString);
                // type 1/n fits n times
                for (int t = 0; t < 48; t++) assertEquals(t + 1, gpu.types().get(t).instancesThatFit(), gpu::toString);
            }
            assertEquals(0, bench.host.instances().size(), "planning changes nothing");
            assertTrue(bench.host.gpus().getFirst().types().isEmpty(), "planning changes nothing");
        } finally {
            bench.close();
        }
    }

    @Test
    void moreGpusThanOneDriverServesAreRefused() {
        HostPlanScaleBench bench = new HostPlanScaleBench();
        bench.gpus = ScaleHosts.MAX_GPUS + 1;
        bench.types = 48;
        assertThrows(IllegalArgumentException.class, bench::open);
    }
}
