package io.mdevgpu.bench.scale;

import java.nio.file.Path;

import io.mdevgpu.ApplyResult;
import io.mdevgpu.MdevHost;
import io.mdevgpu.Plan;
import io.mdevgpu.bench.NativeBench;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

/**
 * {@link Plan#apply()} of samples/config/open-vampere.toml's four types (1/1, 1/2, 1/4 and 1/8 of an A100 40GB) on
 * a simulated host of {@code gpus} GPUs: one operation registers them on every GPU. Applying the same plan again
 * changes nothing, so the invocations alternate between two configurations of the same shape (types 529-532, then
 * 533-536): each apply discards the four types every GPU has and registers four others, the work of applying a
 * changed profile. The plan is made before each invocation, outside the timing: only the apply is measured.
 */
public class ApplyScaleBench extends NativeBench {
    static final int FIRST_TYPE = 529;

    @Param({"1", "4", "16"})
    public int gpus;

    Path dir; // package-private: the test reads it
    MdevHost host; // package-private: the test reads it
    private final Path[] configs = new Path[2];
    private int next;
    private Plan plan;

    @Setup(Level.Trial)
    public void open() {
        dir = ScaleHosts.temporaryDirectory();
        host = ScaleHosts.open(dir, gpus);
        for (int c = 0; c < configs.length; c++) {
            int first = FIRST_TYPE + c * ScaleHosts.OPEN_VAMPERE.length;
            configs[c] = ScaleHosts.write(dir.resolve("open-vampere-" + first + ".toml"),
                    ScaleHosts.config(ScaleHosts.types(first, ScaleHosts.OPEN_VAMPERE)));
        }
    }

    @Setup(Level.Invocation)
    public void planNext() {
        plan = host.plan(configs[next]);
        next ^= 1;
        if (!plan.fits() || plan.gpus().size() != gpus) {
            throw new IllegalStateException("the open-vampere types should fit all " + gpus + " GPUs: " + plan);
        }
    }

    @Benchmark
    public ApplyResult apply_mdevgpu() {
        return plan.apply();
    }

    @TearDown(Level.Trial)
    public void close() {
        ScaleHosts.close(host, dir);
    }
}
