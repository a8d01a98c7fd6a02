package io.mdevgpu.bench.scale;

import java.nio.file.Path;
import java.util.List;

import io.mdevgpu.MdevHost;
import io.mdevgpu.MdevInstance;
import io.mdevgpu.MdevType;
import io.mdevgpu.ParentDevice;
import io.mdevgpu.bench.NativeBench;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

/**
 * {@link MdevHost#instances()} on a simulated host holding {@code instances} instances: every count on the same
 * host, {@value #GPUS} GPUs with a 1/{@value #PER_GPU} type each (room for 1,024), filled GPU by GPU, so that only
 * the number of instances changes. One operation lists them all (each read from the host's tree when asked).
 */
public class ListScaleBench extends NativeBench {
    static final int GPUS = 32, PER_GPU = 32, TYPE = 600;
    static final String TYPE_ID = "nvidia-" + TYPE;

    @Param({"10", "100", "1000"})
    public int instances;

    private Path dir;
    MdevHost host; // package-private: the test reads it

    @Setup(Level.Trial)
    public void open() {
        if (instances < 0 || instances > GPUS * PER_GPU) {
            throw new IllegalArgumentException("instances: 0.." + GPUS * PER_GPU + ", got " + instances);
        }
        dir = ScaleHosts.temporaryDirectory();
        host = ScaleHosts.open(dir, GPUS);
        List<MdevType> types = ScaleHosts.types(TYPE, PER_GPU);
        List<ParentDevice> gpus = host.gpus();
        int needed = (instances + PER_GPU - 1) / PER_GPU;
        for (int g = 0; g < needed; g++) ScaleHosts.apply(gpus.get(g), types);
        for (int i = 0; i < instances; i++) gpus.get(i / PER_GPU).create(TYPE_ID);
    }

    @Benchmark
    public List<MdevInstance> list_mdevgpu() {
        return host.instances();
    }

    @TearDown(Level.Trial)
    public void close() {
        ScaleHosts.close(host, dir);
    }
}
