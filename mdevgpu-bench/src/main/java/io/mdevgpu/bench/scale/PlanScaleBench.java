package io.mdevgpu.bench.scale;

import java.util.List;

import io.mdevgpu.DriverLimits;
import io.mdevgpu.MdevType;
import io.mdevgpu.bench.NativeBench;
import io.mdevgpu.core.partition.PartitionPlan;
import io.mdevgpu.core.partition.PartitionPlanner;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;

/**
 * The engine's planner alone ({@link PartitionPlanner#plan} under the newest driver's limits) for {@code gpus} A100
 * 40GB with {@code types} types each (1/1 to 1/{@code types}): the 64 GPUs x 48 types, which no simulated
 * host can hold (one NVIDIA driver serves 32 GPUs; {@link HostPlanScaleBench} plans on a host of 32). One operation
 * plans every GPU.
 */
public class PlanScaleBench extends NativeBench {
    static final int FIRST_TYPE = 800;

    @Param("64")
    public int gpus;
    @Param("48")
    public int types;

    private PartitionPlanner planner;
    List<MdevType> typesPerGpu; // package-private: the test reads them

    @Setup
    public void open() {
        planner = PartitionPlanner.of(DriverLimits.NEWEST);
        typesPerGpu = ScaleHosts.types(FIRST_TYPE, ScaleHosts.upTo(types));
    }

    /** The instances the plans allow, summed over every type of every GPU (so that no plan is dead code). */
    @Benchmark
    public int plan_mdevgpu() {
        int instances = 0;
        for (int g = 0; g < gpus; g++) {
            PartitionPlan plan = planner.plan(ScaleHosts.MODEL, typesPerGpu);
            for (int t = 0; t < plan.types().size(); t++) instances += plan.types().get(t).capacity();
        }
        return instances;
    }
}
