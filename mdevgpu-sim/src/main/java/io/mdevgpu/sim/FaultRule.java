package io.mdevgpu.sim;

import java.util.Objects;

import io.mdevgpu.sim.Faults.Failure;
import io.mdevgpu.sim.Faults.Seam;

/**
 * A rule armed in {@link Faults}: {@code at} > 0 picks a call number; else the kind, seam and text prefix (each null:
 * any). It skips {@code skip} matching calls, then fails {@code times} of them with {@code failure}.
 */
final class FaultRule {
    final long at;
    final SimCall call;
    final Seam seam;
    final String prefix;
    long skip;
    long times;
    final Failure failure;

    FaultRule(long at, SimCall call, Seam seam, String prefix, long skip, long times, Failure failure) {
        this.at = at;
        this.call = call;
        this.seam = seam;
        this.prefix = prefix;
        this.skip = skip;
        this.times = times;
        this.failure = Objects.requireNonNull(failure, "failure");
    }

    boolean matches(long number, SimCall c, String text) {
        if (at > 0) return at == number;
        return (call == null || call.matches(c)) && (seam == null || seam == c.seam())
                && (prefix == null || text != null && text.startsWith(prefix));
    }
}
