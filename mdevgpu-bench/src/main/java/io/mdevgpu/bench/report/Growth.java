package io.mdevgpu.bench.report;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Issue 15's "how cost grows": the cost per unit of size (per GPU of an apply, per instance listed) at a benchmark's
 * largest parameter against its smallest. Linear growth keeps it flat; fixed costs spread over more units make it
 * fall. "Linear or better" allows {@link #TOLERANCE} on top of flat: a single short run on a shared machine moves
 * figures by tens of percent, while growth by the square of the size multiplies the per-unit cost by the ratio of
 * the sizes (16 from 1 to 16 GPUs, 100 from 10 to 1,000 instances), far beyond it.
 */
final class Growth {
    /** The largest per-unit cost that still counts as linear: this times the per-unit cost at the smallest size. */
    static final double TOLERANCE = 1.5;

    static final String APPLY = "ApplyScaleBench", LIST = "ListScaleBench", HOST_PLAN = "HostPlanScaleBench",
            PLAN = "PlanScaleBench", CREATE = "CreateScaleBench";

    /** One judged series: the library rows of {@code benchmark.kase}, sized by the parameter {@code param}. */
    record Series(String benchmark, String kase, String param, String unit) {
    }

    static final List<Series> SERIES = List.of(new Series(APPLY, "apply", "gpus", "GPU"),
            new Series(LIST, "list", "instances", "instance"));

    private Growth() {
    }

    static Goals.Verdict judge(List<Row> rows) {
        String goal = "cost grows linearly or better: apply per GPU (1 to 16 GPUs), list per instance (10 to 1,000)";
        String target = "per-unit cost at the largest size <= " + Goals.ratio(TOLERANCE) + " that at the smallest";
        Goals.Tally tally = new Goals.Tally();
        for (Series s : SERIES) {
            List<Row> sized = rows.stream().filter(r -> r.benchmark().equals(s.benchmark()) && r.kase().equals(s.kase())
                    && r.isLibrary() && r.params().containsKey(s.param())).sorted(Comparator.comparingLong(r -> size(r, s))).toList();
            if (sized.isEmpty() || size(sized.getFirst(), s) == size(sized.getLast(), s)) {
                return new Goals.Verdict(goal, target, "-", Goals.Status.NOT_MEASURED, "this run has no " + s.benchmark()
                        + "." + s.kase() + "_mdevgpu at two " + s.param() + " sizes or more.");
            }
            Row small = sized.getFirst(), large = sized.getLast();
            double ratio = perUnit(large, s) / perUnit(small, s);
            boolean met = ratio <= TOLERANCE;
            List<String> figures = new ArrayList<>();
            for (Row r : sized) figures.add(size(r, s) + ": " + Format.time(perUnit(r, s)));
            String name = s.kase() + " per " + s.unit();
            tally.add(met, name + " " + String.join(", ", figures) + " (" + Goals.ratio(ratio) + ")", met ? ""
                    : name + " at " + size(large, s) + " is " + Goals.ratio(ratio) + " of that at " + size(small, s)
                    + ": the cost grows faster than the " + s.param() + (noisy(small, large, s) ? " (the limit lies "
                    + "within the rows' error bars: noise can explain it)" : ""), noisy(small, large, s));
        }
        return tally.verdict(goal, target);
    }

    private static long size(Row r, Series s) {
        return Long.parseLong(r.params().get(s.param()));
    }

    private static double perUnit(Row r, Series s) {
        return r.nsPerOp() / size(r, s);
    }

    /** Whether the error bars of the two rows reach across the tolerance. */
    private static boolean noisy(Row small, Row large, Series s) {
        if (Double.isNaN(small.error()) || Double.isNaN(large.error())) return false;
        double ls = size(large, s), ss = size(small, s);
        double lowest = (large.nsPerOp() - large.error()) / ls / ((small.nsPerOp() + small.error()) / ss);
        double highest = (large.nsPerOp() + large.error()) / ls / (Math.max(0, small.nsPerOp() - small.error()) / ss);
        return lowest <= TOLERANCE && TOLERANCE <= highest;
    }
}
