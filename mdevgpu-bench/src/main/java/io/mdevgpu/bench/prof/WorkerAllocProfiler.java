package io.mdevgpu.bench.prof;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.sun.management.ThreadMXBean;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.profile.InternalProfiler;
import org.openjdk.jmh.results.AggregationPolicy;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.ScalarResult;

/**
 * Bytes allocated per operation by the benchmark's own worker threads ({@value #METRIC}), next to
 * {@code -prof gc}'s {@code gc.alloc.rate.norm}.
 *
 * <p>Why: {@code gc.alloc.rate.norm} divides the whole JVM's allocation by the operations, so the harness's
 * background allocation (about 0.5 MB/s here) shows as thousands of B/op on an operation that takes 10 ms, even
 * when that operation allocates nothing. Counting only the {@code *-jmh-worker-*} threads leaves what the
 * benchmark code allocates plus JMH's own per-iteration bookkeeping, a few hundred bytes spread over all
 * operations. The result is the smallest over the iterations: the worker also runs the trial's setup in the first
 * iteration and its teardown in the last (class loading, closing the region: hundreds of KB, once), while code
 * that allocates per operation shows in every iteration, so the minimum still reveals it.
 * Use: {@code -prof io.mdevgpu.bench.prof.WorkerAllocProfiler}.
 */
public final class WorkerAllocProfiler implements InternalProfiler {
    public static final String METRIC = "worker.alloc.norm";
    private static final String WORKER_NAME = "-jmh-worker-";

    private final ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
    private Map<Long, Long> before = Map.of();

    public WorkerAllocProfiler() {
        if (!threads.isThreadAllocatedMemorySupported()) {
            throw new UnsupportedOperationException("this JVM cannot count allocated bytes per thread");
        }
        threads.setThreadAllocatedMemoryEnabled(true);
    }

    @Override
    public String getDescription() {
        return "bytes allocated per operation by the benchmark's worker threads only";
    }

    @Override
    public void beforeIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams) {
        before = workerAllocations();
    }

    @Override
    public List<? extends Result<?>> afterIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams,
            IterationResult result) {
        long allocated = 0;
        for (Map.Entry<Long, Long> worker : workerAllocations().entrySet()) {
            // a worker born during this iteration allocated everything it has in it
            allocated += worker.getValue() - before.getOrDefault(worker.getKey(), 0L);
        }
        long ops = result.getMetadata().getAllOps();
        double perOp = ops == 0 ? Double.NaN : (double) allocated / ops;
        return List.of(new ScalarResult(METRIC, perOp, "B/op", AggregationPolicy.MIN));
    }

    private Map<Long, Long> workerAllocations() {
        Map<Long, Long> bytes = new HashMap<>();
        for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (info != null && info.getThreadName().contains(WORKER_NAME)) {
                long allocated = threads.getThreadAllocatedBytes(info.getThreadId());
                if (allocated >= 0) {
                    bytes.put(info.getThreadId(), allocated);
                }
            }
        }
        return bytes;
    }
}
