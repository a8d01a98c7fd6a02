package io.mdevgpu.bench.prof;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CountDownLatch;

import org.junit.jupiter.api.Test;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.IterationResultMetaData;
import org.openjdk.jmh.results.Result;

class WorkerAllocProfilerTest {
    private static final int ARRAYS = 1000, ARRAY_BYTES = 1024;
    static volatile Object sink;

    @Test
    void countsOnlyTheWorkerThreadsAllocation() throws Exception {
        WorkerAllocProfiler profiler = new WorkerAllocProfiler();
        CountDownLatch started = new CountDownLatch(1), measure = new CountDownLatch(1), done = new CountDownLatch(2);
        Runnable allocate = () -> {
            started.countDown();
            try {
                measure.await();
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
            for (int i = 0; i < ARRAYS; i++) sink = new byte[ARRAY_BYTES];
            done.countDown();
            try {
                Thread.sleep(2000); // stay alive until the profiler has looked
            } catch (InterruptedException ignored) {
                // finished
            }
        };
        Thread worker = Thread.ofPlatform().name("Bench.method-jmh-worker-1").start(allocate);
        Thread bystander = Thread.ofPlatform().name("jmh-timer").start(allocate); // allocates as much, not counted
        started.await();
        profiler.beforeIteration(null, null);
        measure.countDown();
        done.await();
        long ops = 100;
        List<? extends Result<?>> results = profiler.afterIteration(null, null,
                new IterationResult(null, null, new IterationResultMetaData(ops, ops)));
        worker.interrupt();
        bystander.interrupt();

        assertEquals(1, results.size());
        Result<?> r = results.getFirst();
        assertEquals(WorkerAllocProfiler.METRIC, r.getLabel());
        assertEquals("B/op", r.getScoreUnit());
        double expected = (double) ARRAYS * ARRAY_BYTES / ops; // 10,240 B/op plus array headers
        assertTrue(r.getScore() >= expected, "score " + r.getScore() + " < " + expected);
        assertTrue(r.getScore() < expected * 1.5, "the bystander's allocation was counted: " + r.getScore());
    }
}
