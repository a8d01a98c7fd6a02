package io.mdevgpu.bench.scale;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import io.mdevgpu.MdevHost;
import io.mdevgpu.MdevType;
import io.mdevgpu.ParentDevice;
import io.mdevgpu.Plan;
import io.mdevgpu.core.partition.GpuCatalogue;
import io.mdevgpu.core.partition.GpuModel;
import io.mdevgpu.core.partition.ProfileGenerator;

/**
 * Simulated hosts of any size for the growth benchmarks, through the public API only: an inventory of {@code n}
 * A100 40GB on the newest driver (48 instances per GPU) written as TOML into a temporary directory, opened with
 * {@link MdevHost#simulated(String)} (the simulator makes its tree in a temporary directory of its own and deletes
 * it on close), and configurations written the same way.
 */
final class ScaleHosts {
    static final GpuModel MODEL = GpuCatalogue.A100_40G;
    /** The newest layouts: 128 types and 48 instances per GPU. */
    static final String DRIVER = "595.45.04";
    /** The 1/n splits of samples/config/open-vampere.toml (the predecessor's Ampere rule gives its very sizes). */
    static final int[] OPEN_VAMPERE = {1, 2, 4, 8};
    /** The most GPUs one NVIDIA driver serves: its table of probed GPUs has 32 entries (NV_MAX_DEVICES). */
    static final int MAX_GPUS = 32;

    private ScaleHosts() {
    }

    static Path temporaryDirectory() {
        try {
            return Files.createTempDirectory("mdevgpu-bench-scale");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make a temporary directory for a simulated host: " + e.getMessage(), e);
        }
    }

    /** A simulated host of {@code gpus} GPUs, its inventory written into {@code dir}; {@code dir} is deleted if it fails. */
    static MdevHost open(Path dir, int gpus) {
        try {
            if (gpus < 1 || gpus > MAX_GPUS) {
                throw new IllegalArgumentException("gpus: 1.." + MAX_GPUS + " (the NVIDIA driver's limit), got " + gpus);
            }
            return MdevHost.simulated(write(dir.resolve("inventory-" + gpus + ".toml"), inventory(gpus)).toString());
        } catch (RuntimeException e) {
            deleteTree(dir);
            throw e;
        }
    }

    /** The inventory TOML of {@code gpus} GPUs, one per bus from 01 on (each its own IOMMU group, the bus number). */
    static String inventory(int gpus) {
        StringBuilder b = new StringBuilder("schema = 1\nname = \"scale-").append(gpus).append("\"\n")
                .append("description = \"").append(gpus).append(" x ").append(MODEL.id()).append(" for the growth benchmarks\"\n")
                .append("\n[driver]\nversion = \"").append(DRIVER).append("\"\n");
        for (int g = 1; g <= gpus; g++) {
            b.append(String.format("\n[[gpu]]\naddress = \"0000:%02x:00.0\"\nmodel = \"%s\"\n", g, MODEL.id()));
        }
        return b.toString();
    }

    /** The 1/n types of {@link #MODEL} for each n in {@code fractions}, numbered from {@code firstNumber} on. */
    static List<MdevType> types(int firstNumber, int... fractions) {
        return ProfileGenerator.types(MODEL, firstNumber, fractions);
    }

    /** The fractions 1/1 to 1/n. */
    static int[] upTo(int n) {
        return IntStream.rangeClosed(1, n).toArray();
    }

    /** A configuration giving every GPU {@code types} (one {@code [[gpu]]} without a filter; earlier types discarded). */
    static String config(List<MdevType> types) {
        StringBuilder b = new StringBuilder("schema = 1\nkeep = false\n\n[[gpu]]\n");
        for (MdevType t : types) {
            b.append("\n[[gpu.type]]\nnumber = ").append(t.number()).append("\nname = \"").append(t.name())
                    .append("\"\nclass = \"").append(t.gpuClass()).append("\"\nmax_instances = ").append(t.maxInstances())
                    .append("\nframebuffer = \"").append(t.framebuffer().toMiB()).append("MiB\"\nreserved = \"")
                    .append(t.reserved().toMiB()).append("MiB\"\nbar1 = \"").append(t.bar1().toMiB()).append("MiB\"\n");
        }
        return b.toString();
    }

    static Path write(Path file, String text) {
        try {
            return Files.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /** Registers {@code types} on {@code gpu}; fails naming the plan's problems when they do not fit. */
    static void apply(ParentDevice gpu, List<MdevType> types) {
        Plan plan = gpu.plan(types);
        if (!plan.fits()) throw new IllegalStateException("the types do not fit " + gpu.address() + ": " + plan.problems());
        plan.apply();
    }

    /** Closes the host (its own tree goes with it) and deletes {@code dir}; either may be null. */
    static void close(MdevHost host, Path dir) {
        try {
            if (host != null) host.close();
        } finally {
            if (dir != null) deleteTree(dir);
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + dir + ": " + e.getMessage(), e);
        }
    }
}
