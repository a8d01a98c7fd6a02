package io.mdevgpu.bench.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import io.mdevgpu.bench.report.Goals.Status;
import io.mdevgpu.bench.report.Goals.Verdict;

/**
 * The allocation goals (0 B/op): a row's allocation net of what JMH's harness allocates around it, and how finely a
 * row's profile can tell the two apart.
 */
final class AllocationGoal {
    /** Below one byte per operation nothing is allocated per operation: the smallest object is 16 bytes. */
    static final double ZERO_BYTES = 1.0;
    /**
     * How much JMH's own bookkeeping in the worker may vary from one benchmark's iterations to another's (it is
     * 300 to 500 bytes per iteration): the floor taken from the C row is exact only to this much per iteration.
     */
    static final double BOOKKEEPING_SPREAD_BYTES = 256;
    /** Why a row allocates although its goal is 0 B/op, where that is by design. */
    private static final Map<String, String> ALLOCATION_CAUSES = Map.of(
            "decodeConfigInfo", "decoding returns a new MdevType, an immutable value with its own name and class strings "
                    + "and ids (DESIGN: values are immutable), so it allocates its result; the encoders, which run for "
                    + "every type registered, write into preallocated segments and allocate nothing",
            "ioctlIrqInfo", "VfioDevice.irqInfo returns a new VfioIrqInfo value; where C2 does not scalar-replace it, "
                    + "that is its allocation");

    /**
     * Judged on net B/op: the row's bench-thread B/op less the harness's floor. JMH's worker allocates a few hundred
     * bytes per iteration whatever the benchmark does; spread over the hundred operations of a 10 ms copy that is
     * several B/op. The C row of the same group allocates nothing itself, so its B/op is that floor at its speed;
     * scaled by the two rows' times (a slower row has fewer operations to spread it over) it is this row's floor.
     * Rows without a C row have no floor: they are fast enough for the bookkeeping to vanish. The floor is exact
     * only to {@link #BOOKKEEPING_SPREAD_BYTES} per iteration, so a row of few operations per iteration (a 45 ms
     * read loop makes 22) is resolved only to that spread over its operations; "0 B/op" means net below the larger
     * of 1 B/op and that resolution, which the verdict states where it is above 1 B/op.
     */
    static Verdict judge(List<Row> rows, String goal, Predicate<Row> which, String rowsWanted) {
        String target = "0 B/op (net < " + (int) ZERO_BYTES + " B/op)";
        List<Row> matching = rows.stream().filter(which).toList();
        if (matching.isEmpty()) return Goals.missing(goal, target, rowsWanted);
        Row worst = null, coarsest = null;
        double worstNet = Double.NEGATIVE_INFINITY, worstFloor = 0, coarsestResolution = ZERO_BYTES;
        Map<String, List<Double>> offenders = new LinkedHashMap<>();
        for (Row r : matching) {
            double floor = harnessFloor(rows, r), net = r.bytesPerOpAllocated() - floor;
            if (Double.isNaN(net)) {
                return Goals.missing(goal, target, "allocation profile for " + r.kase() + "_" + r.impl()
                        + " (-prof gc or WorkerAllocProfiler)");
            }
            double resolution = resolution(r);
            if (net >= resolution) offenders.computeIfAbsent(r.kase() + "_" + r.impl(), k -> new ArrayList<>()).add(net);
            if (resolution > coarsestResolution) {
                coarsest = r;
                coarsestResolution = resolution;
            }
            if (net > worstNet) {
                worst = r;
                worstNet = net;
                worstFloor = floor;
            }
        }
        Status status = offenders.isEmpty() ? Status.MET : Status.NOT_MET;
        List<String> why = new ArrayList<>();
        offenders.forEach((name, nets) -> {
            double least = nets.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
            double most = nets.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
            String cause = ALLOCATION_CAUSES.get(name.substring(0, name.lastIndexOf('_')));
            why.add(name + " allocates " + (Math.abs(most - least) < 0.5 ? Format.bytes(most) : Format.bytes(least) + " to "
                    + Format.bytes(most)) + " B/op net in " + nets.size() + " of its rows" + (cause == null ? "" : ": " + cause));
        });
        List<String> clean = matching.stream().map(r -> r.kase() + "_" + r.impl()).filter(n -> !offenders.containsKey(n))
                .distinct().toList();
        if (status == Status.NOT_MET && !clean.isEmpty()) why.add(String.join(" and ", clean) + " allocate nothing");
        if (coarsest != null) {
            why.add(coarsest.name() + " makes " + Format.number(coarsest.opsPerIteration()) + " operations per iteration, "
                    + "so its allocation is resolved only to " + Format.bytes(coarsestResolution) + " B/op (JMH's bookkeeping "
                    + "varies by up to " + (int) BOOKKEEPING_SPREAD_BYTES + " bytes per iteration)");
        }
        return new Verdict(goal, target, "net at most " + Format.bytes(Math.max(0, worstNet)) + " B/op (" + worst.name()
                + ": " + Format.bytes(worst.bytesPerOpAllocated()) + " B/op, harness floor " + Format.bytes(worstFloor)
                + "; " + matching.size() + " rows)", status, why.isEmpty() ? "" : String.join("; ", why) + ".");
    }

    /** The smallest net B/op that a row's profile tells from JMH's bookkeeping: at least 1 B/op. */
    static double resolution(Row r) {
        double ops = r.opsPerIteration();
        return Double.isNaN(ops) ? ZERO_BYTES : Math.max(ZERO_BYTES, BOOKKEEPING_SPREAD_BYTES / ops);
    }

    /** What the harness allocates per operation of {@code row}: its C row's B/op scaled to {@code row}'s time. */
    static double harnessFloor(List<Row> rows, Row row) {
        return Goals.reference(rows, row).map(c -> c.bytesPerOpAllocated() * row.nsPerOp() / c.nsPerOp()).orElse(0.0);
    }

    private AllocationGoal() {
    }
}
