package io.mdevgpu.cli;

import java.util.Arrays;

import io.mdevgpu.ValidationException;
import io.mdevgpu.kernel.nvrm.RmClient;

/**
 * Times RM control round trips through the library: {@code NV0000_CTRL_CMD_GPU_GET_PCI_INFO} on the root client, as
 * {@link RmClient#pciAddress(int)} sends it. The same three passes as {@code rm_control_loop.c}, its C counterpart,
 * so that the two numbers compare: a warm-up of n calls, n calls timed as one loop, then n calls each timed on its
 * own (two clock reads per call, in both languages) for the median and the tail.
 */
final class ControlBench {
    /** Enough for a stable median, little enough to stay well under a second on any driver. */
    static final int MAX_CALLS = 10_000_000;

    private ControlBench() {
    }

    /**
     * The passes' numbers, in nanoseconds per call.
     *
     * @param calls      n, per pass
     * @param loopMean   the timed loop's total over n
     * @param mean       the mean of the calls timed one by one
     * @param median     their median (nearest rank)
     * @param p99        their 99th percentile (nearest rank)
     */
    record Result(int calls, double loopMean, double mean, long median, long p99, long min, long max) {
        @Override
        public String toString() {
            return String.format("loop %.0f ns/call; per call mean %.0f ns, median %d ns, p99 %d ns, min %d ns, max %d ns",
                    loopMean, mean, median, p99, min, max);
        }
    }

    static Result run(RmClient rm, int gpuId, int calls) {
        if (calls < 1 || calls > MAX_CALLS) {
            throw new ValidationException("--bench", Integer.toString(calls), "1.." + MAX_CALLS + " calls");
        }
        for (int i = 0; i < calls; i++) {
            rm.pciAddress(gpuId);
        }
        long start = System.nanoTime();
        for (int i = 0; i < calls; i++) {
            rm.pciAddress(gpuId);
        }
        double loopMean = (double) (System.nanoTime() - start) / calls;
        long[] each = new long[calls];
        for (int i = 0; i < calls; i++) {
            long t0 = System.nanoTime();
            rm.pciAddress(gpuId);
            each[i] = System.nanoTime() - t0;
        }
        return summarize(calls, loopMean, each);
    }

    static Result summarize(int calls, double loopMean, long[] each) {
        long[] sorted = each.clone();
        Arrays.sort(sorted);
        double sum = 0;
        for (long t : sorted) sum += t;
        return new Result(calls, loopMean, sum / sorted.length, rank(sorted, 50), rank(sorted, 99),
                sorted[0], sorted[sorted.length - 1]);
    }

    /**
     * The nearest-rank percentile: the smallest value with at least {@code percent}% of the values at or below it
     * (integer arithmetic, as in the C loop: {@code 0.99 * 100} is not 99 in floating point).
     */
    static long rank(long[] sorted, int percent) {
        long rank = ((long) percent * sorted.length + 99) / 100;
        return sorted[(int) Math.max(0, rank - 1)];
    }
}
