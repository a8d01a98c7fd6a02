package io.mdevgpu.bench.partition;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import io.mdevgpu.DriverLimits;
import io.mdevgpu.MdevType;
import io.mdevgpu.bench.NativeBench;
import io.mdevgpu.core.partition.GpuCatalogue;
import io.mdevgpu.core.partition.GpuModel;
import io.mdevgpu.core.partition.PartitionPlan;
import io.mdevgpu.core.partition.PartitionPlanner;
import io.mdevgpu.core.partition.ProfileGenerator;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;

/**
 * A plan for {@code gpus} GPUs with {@code types} types each ({@link PartitionPlanner#plan} under the newest
 * driver's limits, once per GPU): the catalogue's models in turn, each with its 1/n profiles for the first
 * {@code types} of {@link #FRACTIONS}. One operation plans every GPU.
 */
public class PlanBench extends NativeBench {
    /** 16 splits from the whole GPU to the newest driver's 48 instances. */
    static final int[] FRACTIONS = {1, 2, 3, 4, 5, 6, 8, 10, 12, 16, 20, 24, 28, 32, 40, 48};
    static final int FIRST_TYPE = 500;

    @Param("8")
    public int gpus;
    @Param("16")
    public int types;

    private PartitionPlanner planner;
    GpuModel[] models; // package-private: the test reads them
    List<List<MdevType>> typesPerGpu;

    @Setup(Level.Trial)
    public void open() {
        if (types < 1 || types > FRACTIONS.length) {
            throw new IllegalArgumentException("types: 1.." + FRACTIONS.length + ", got " + types);
        }
        planner = PartitionPlanner.of(DriverLimits.NEWEST);
        List<GpuModel> catalogue = GpuCatalogue.all();
        models = new GpuModel[gpus];
        typesPerGpu = new ArrayList<>(gpus);
        int[] fractions = Arrays.copyOf(FRACTIONS, types);
        for (int g = 0; g < gpus; g++) {
            models[g] = catalogue.get(g % catalogue.size());
            typesPerGpu.add(ProfileGenerator.types(models[g], FIRST_TYPE, fractions));
        }
    }

    /** The instances the plans allow, summed over every type of every GPU (so that no plan is dead code). */
    @Benchmark
    public int plan_mdevgpu() {
        int instances = 0;
        for (int g = 0; g < models.length; g++) {
            PartitionPlan plan = planner.plan(models[g], typesPerGpu.get(g));
            for (int t = 0; t < plan.types().size(); t++) {
                instances += plan.types().get(t).capacity();
            }
        }
        return instances;
    }
}
