package io.mdevgpu.bench.report;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * One JMH result: {@code io.mdevgpu.bench.ioctl.IoctlBench.fionreadLoop_c} with its parameters is benchmark
 * {@code IoctlBench}, case {@code fionreadLoop}, implementation {@code c}. Rows of one benchmark, case and
 * parameters form a group; the {@code c} row is the group's reference.
 *
 * @param benchmark    the simple class name, e.g. {@code IoctlBench}
 * @param kase         the method name before its last {@code _}
 * @param impl         after it: {@code c}, {@code jna}, or the library's: {@code mdevgpu} and named variants such as
 *                     {@code read64} (empty when the name has no {@code _})
 * @param params       JMH parameters in declaration order
 * @param nsPerOp      the primary score
 * @param error        its 99.9% half-interval (NaN when JMH had too few iterations)
 * @param workerBytes  {@code worker.alloc.norm}, B/op of the benchmark's threads (NaN when not profiled)
 * @param jvmBytes     {@code gc.alloc.rate.norm}, B/op of the whole JVM (NaN when not profiled)
 * @param iterationNanos the length of one measurement iteration (NaN when unknown)
 */
public record Row(String benchmark, String kase, String impl, Map<String, String> params, double nsPerOp,
        double error, double workerBytes, double jvmBytes, double iterationNanos) {
    public static final String C = "c", LIBRARY = "mdevgpu", JNA = "jna";

    public Row {
        params = Collections.unmodifiableMap(new LinkedHashMap<>(params)); // keeps JMH's declaration order
    }

    /** A row of the library's own code: any implementation but the C and JNA baselines. */
    public boolean isLibrary() {
        return !impl.equals(C) && !impl.equals(JNA);
    }

    /** {@code case_impl} and its parameters, as the report names one row. */
    public String name() {
        return kase + "_" + impl + (params.isEmpty() ? "" : " " + params);
    }

    /** The key of this row's group: benchmark, case and parameters. */
    public String group() {
        return benchmark + "." + kase + (params.isEmpty() ? "" : " " + new TreeMap<>(params));
    }

    /** Bytes moved per operation, from the {@code bytes} parameter; -1 when the benchmark has none. */
    public long bytesPerOp() {
        String b = params.get("bytes");
        return b == null ? -1 : Long.parseLong(b);
    }

    /** Throughput in GB/s (10^9 bytes per second), or NaN when the benchmark moves no counted bytes. */
    public double gigabytesPerSecond() {
        long bytes = bytesPerOp();
        return bytes < 0 ? Double.NaN : bytes / nsPerOp;
    }

    /** Operations in one measurement iteration (NaN when the iteration length is unknown). */
    public double opsPerIteration() {
        return iterationNanos / nsPerOp;
    }

    /** The allocation figure the goals use: the benchmark threads' own when profiled, else the JVM's. */
    public double bytesPerOpAllocated() {
        return Double.isNaN(workerBytes) ? jvmBytes : workerBytes;
    }
}
