package io.mdevgpu.bench.scale;

import java.nio.file.Path;

import io.mdevgpu.MdevHost;
import io.mdevgpu.MdevInstance;
import io.mdevgpu.ParentDevice;
import io.mdevgpu.bench.NativeBench;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

/**
 * {@link ParentDevice#create(String)} of the last instance a GPU has room for: one simulated A100 40GB with a 1/48
 * type (the newest driver's limit) already holding {@code held} = 47 instances. Each invocation creates the 48th
 * and the instance is removed after it, outside the timing, so every invocation finds the GPU as the first did.
 */
public class CreateScaleBench extends NativeBench {
    static final int TYPE = 700, ROOM = 48;
    static final String TYPE_ID = "nvidia-" + TYPE;

    @Param("47")
    public int held;

    private Path dir;
    MdevHost host; // package-private: the test reads it
    ParentDevice gpu;
    private MdevInstance created;

    @Setup(Level.Trial)
    public void open() {
        if (held < 0 || held >= ROOM) throw new IllegalArgumentException("held: 0.." + (ROOM - 1) + ", got " + held);
        dir = ScaleHosts.temporaryDirectory();
        host = ScaleHosts.open(dir, 1);
        gpu = host.gpus().getFirst();
        ScaleHosts.apply(gpu, ScaleHosts.types(TYPE, ROOM));
        for (int i = 0; i < held; i++) gpu.create(TYPE_ID);
    }

    @Benchmark
    public MdevInstance create_mdevgpu() {
        created = gpu.create(TYPE_ID);
        return created;
    }

    @TearDown(Level.Invocation)
    public void removeCreated() {
        if (created != null) {
            created.remove();
            created = null;
        }
    }

    @TearDown(Level.Trial)
    public void close() {
        ScaleHosts.close(host, dir);
    }
}
