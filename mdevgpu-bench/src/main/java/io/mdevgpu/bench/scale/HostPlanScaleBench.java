package io.mdevgpu.bench.scale;

import java.nio.file.Path;

import io.mdevgpu.MdevHost;
import io.mdevgpu.Plan;
import io.mdevgpu.bench.NativeBench;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

/**
 * {@link MdevHost#plan(Path)} of a configuration of {@code types} types (the 1/1 to 1/{@code types} splits of an
 * A100 40GB) for every GPU of a simulated host of {@code gpus} GPUs: what {@code mdevgpu plan} does, from reading
 * the TOML file to the plan of each GPU against what its driver holds. Nothing is applied. 32 GPUs, not the issue's
 * 64: one NVIDIA driver serves at most 32 ({@link ScaleHosts#MAX_GPUS}); {@link PlanScaleBench} plans 64 without a
 * host.
 */
public class HostPlanScaleBench extends NativeBench {
    static final int FIRST_TYPE = 800;

    @Param("32")
    public int gpus;
    @Param("48")
    public int types;

    private Path dir, config;
    MdevHost host; // package-private: the test reads it

    @Setup(Level.Trial)
    public void open() {
        dir = ScaleHosts.temporaryDirectory();
        host = ScaleHosts.open(dir, gpus);
        config = ScaleHosts.write(dir.resolve("splits.toml"),
                ScaleHosts.config(ScaleHosts.types(FIRST_TYPE, ScaleHosts.upTo(types))));
    }

    @Benchmark
    public Plan plan_mdevgpu() {
        return host.plan(config);
    }

    @TearDown(Level.Trial)
    public void close() {
        ScaleHosts.close(host, dir);
    }
}
