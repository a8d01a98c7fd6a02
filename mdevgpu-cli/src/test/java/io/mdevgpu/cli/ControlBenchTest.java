package io.mdevgpu.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.stream.LongStream;

import org.junit.jupiter.api.Test;

/** The statistics --bench reports, by the same nearest-rank rule as rm_control_loop.c. */
class ControlBenchTest {
    @Test
    void nearestRankPercentilesOfAHundredValues() {
        long[] oneToHundred = LongStream.rangeClosed(1, 100).toArray();
        assertEquals(50, ControlBench.rank(oneToHundred, 50));
        assertEquals(99, ControlBench.rank(oneToHundred, 99), "0.99 * 100 in floating point would give the maximum");
        assertEquals(100, ControlBench.rank(oneToHundred, 100));
    }

    @Test
    void smallSamplesTakeTheValueAtOrAboveTheRank() {
        assertEquals(7, ControlBench.rank(new long[] {7}, 99));
        assertEquals(2, ControlBench.rank(new long[] {1, 2, 3}, 50));
        assertEquals(3, ControlBench.rank(new long[] {1, 2, 3}, 99));
    }

    @Test
    void summaryOfUnsortedTimes() {
        ControlBench.Result r = ControlBench.summarize(4, 2500.0, new long[] {4000, 1000, 3000, 2000});
        assertEquals(new ControlBench.Result(4, 2500.0, 2500.0, 2000, 4000, 1000, 4000), r);
    }
}
