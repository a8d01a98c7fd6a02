package io.mdevgpu.bench.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The goals of issue 6, judged against one run. Goals whose benchmarks are not written yet are listed as not
 * measured, never as met. A row missing from the run (a filtered run) makes its goal "not measured" too.
 */
public final class Goals {
    /** Below one byte per operation nothing is allocated per operation: the smallest object is 16 bytes. */
    static final double ZERO_BYTES = 1.0;

    public enum Status {
        MET("**met**"), NOT_MET("**not met**"), NOT_MEASURED("not measured yet");

        final String text;

        Status(String text) {
            this.text = text;
        }
    }

    /** One judged goal: what it asks, the measured figures, the verdict and, where useful, why. */
    public record Verdict(String goal, String target, String measured, Status status, String why) {
    }

    private static final String IOCTL = "IoctlBench", COPY = "RegionCopyBench", READ = "RegionReadBench";
    /** The ioctl cases: method-name prefix and how the report names it. */
    private static final Map<String, String> IOCTL_CASES = Map.of("fionread", "FIONREAD", "enotty", "ENOTTY");
    private static final List<String> IOCTL_ORDER = List.of("fionread", "enotty");

    private final List<Row> rows;

    private Goals(List<Row> rows) {
        this.rows = rows;
    }

    public static List<Verdict> judge(List<Row> rows) {
        Goals g = new Goals(rows);
        return List.of(g.ioctlVsC(), g.ioctlAllocation(), g.ioctlVsJna(), g.copyVsMemcpy(), g.readLoopVsC(),
                g.regionAllocation(),
                notMeasured("config-space read or write (incl. a BAR sizing write) through the core's model",
                        "< 10 ns, 0 B/op", "the config-space model (io.mdevgpu.core.pci) is not on this branch yet"),
                notMeasured("a plan for 8 GPUs x 16 types", "< 100 us",
                        "the planner (io.mdevgpu.core.partition) is not on this branch yet"),
                notMeasured("RM control marshalling: encode a vGPU type and decode replies, per release family",
                        "0 B/op after warm-up", "the RM struct codecs (io.mdevgpu.kernel.abi.nvrm) are not on this "
                        + "branch yet"));
    }

    /** Collects one goal's figures case by case: met only if every case is. */
    private static final class Tally {
        final List<String> measured = new ArrayList<>(), why = new ArrayList<>();
        boolean met = true;

        void add(boolean caseMet, String figures, String reason) {
            met &= caseMet;
            measured.add(figures);
            if (!reason.isEmpty()) why.add(reason);
        }

        Verdict verdict(String goal, String target) {
            return new Verdict(goal, target, String.join("; ", measured), met ? Status.MET : Status.NOT_MET,
                    why.isEmpty() ? "" : String.join(". ", why) + ".");
        }
    }

    private Verdict ioctlVsC() {
        String goal = "ioctl round trip through the library vs the same loop in C", target = "<= 1.05x per call";
        Tally tally = new Tally();
        for (String c : IOCTL_ORDER) {
            Optional<Row> lib = row(IOCTL, c + "Loop", Row.LIBRARY), cLoop = row(IOCTL, c + "Loop", Row.C),
                    cCall = row(IOCTL, c + "Call", Row.C), libCall = row(IOCTL, c + "Call", Row.LIBRARY);
            if (lib.isEmpty() || cLoop.isEmpty() || cCall.isEmpty() || libCall.isEmpty()) {
                return missing(goal, target, IOCTL + "." + c + "{Loop,Call}_{mdevgpu,c}");
            }
            double ratio = lib.get().nsPerOp() / cLoop.get().nsPerOp();
            tally.add(ratio <= 1.05, IOCTL_CASES.get(c) + " " + ratio(ratio) + " (" + ns(lib.get()) + " vs "
                    + ns(cLoop.get()) + ")", IOCTL_CASES.get(c) + ": the C loop pays " + ns(cLoop.get())
                    + " per call; one FFM downcall adds " + ns(cCall.get().nsPerOp() - cLoop.get().nsPerOp())
                    + " (C call - C loop), the library's own call adds "
                    + ns(libCall.get().nsPerOp() - cCall.get().nsPerOp()) + " (library call - C call)"
                    + withinError(lib.get(), cLoop.get()));
        }
        return tally.verdict(goal, target);
    }

    private Verdict ioctlAllocation() {
        return allocation("ioctl round trip through the library allocates nothing",
                r -> r.benchmark().equals(IOCTL) && r.impl().equals(Row.LIBRARY), IOCTL + ".*_mdevgpu");
    }

    private Verdict ioctlVsJna() {
        String goal = "ioctl round trip through the library vs JNA direct mapping", target = ">= 1.4x faster";
        Tally tally = new Tally();
        for (String c : IOCTL_ORDER) {
            Optional<Row> lib = row(IOCTL, c + "Loop", Row.LIBRARY), jna = row(IOCTL, c + "Loop", Row.JNA),
                    cLoop = row(IOCTL, c + "Loop", Row.C);
            if (lib.isEmpty() || jna.isEmpty() || cLoop.isEmpty()) {
                return missing(goal, target, IOCTL + "." + c + "Loop_{mdevgpu,jna,c}");
            }
            double speedup = jna.get().nsPerOp() / lib.get().nsPerOp(), syscall = cLoop.get().nsPerOp();
            boolean caseMet = speedup >= 1.4;
            tally.add(caseMet, IOCTL_CASES.get(c) + " " + ratio(speedup) + " (" + ns(jna.get()) + " vs "
                    + ns(lib.get()) + ")", IOCTL_CASES.get(c) + ": over the C loop's " + ns(syscall) + ", JNA adds "
                    + ns(jna.get().nsPerOp() - syscall) + " per call and the library "
                    + ns(lib.get().nsPerOp() - syscall) + (caseMet ? "" : "; 1.4x needs JNA to add at least "
                    + ns(0.4 * lib.get().nsPerOp() + (lib.get().nsPerOp() - syscall)) + ": the kernel's own time, "
                    + "common to both, bounds the speed-up") + withinError(lib.get(), jna.get()));
        }
        return tally.verdict(goal, target);
    }

    private Verdict copyVsMemcpy() {
        String goal = "region bulk copy (64 MiB, out and in) vs C memcpy on the same mapping";
        String target = "<= 1.00x (at least as fast)";
        Tally tally = new Tally();
        for (String c : List.of("copyOut", "copyIn")) {
            if (!versusC(tally, COPY, c, 1.0, r -> c)) return missing(goal, target, COPY + "." + c + "_{mdevgpu,c}");
        }
        return tally.verdict(goal, target);
    }

    private Verdict readLoopVsC() {
        String goal = "8-byte read loop over the mapping vs a C read loop", target = "<= 1.05x";
        Tally tally = new Tally();
        if (!versusC(tally, READ, "readLoop", 1.05, r -> bytes(r.bytesPerOp()))) {
            return missing(goal, target, READ + ".readLoop_{mdevgpu,c}");
        }
        return tally.verdict(goal, target);
    }

    private Verdict regionAllocation() {
        return allocation("region copy and read loop allocate nothing",
                r -> (r.benchmark().equals(COPY) || r.benchmark().equals(READ)) && r.impl().equals(Row.LIBRARY),
                COPY + "|" + READ + " *_mdevgpu");
    }

    /** Adds every library row of a case, against its C row, in GB/s; false when a row is missing. */
    private boolean versusC(Tally tally, String benchmark, String kase, double limit,
            Function<Row, String> label) {
        List<Row> libs = rows(benchmark, kase, Row.LIBRARY);
        if (libs.isEmpty()) return false;
        for (Row lib : libs) {
            Optional<Row> ref = reference(lib);
            if (ref.isEmpty()) return false;
            double ratio = lib.nsPerOp() / ref.get().nsPerOp();
            tally.add(ratio <= limit, label.apply(lib) + " " + ratio(ratio) + " (" + gbs(lib) + " vs " + gbs(ref.get())
                    + ")", ratio <= limit ? "" : label.apply(lib) + " is " + ratio(ratio) + " of C"
                    + withinError(lib, ref.get()));
        }
        return true;
    }

    /**
     * Judged on net B/op: the row's bench-thread B/op less the harness's floor. JMH's worker allocates a few hundred
     * bytes per iteration whatever the benchmark does; spread over the hundred operations of a 10 ms copy that is
     * several B/op. The C row of the same group allocates nothing itself, so its B/op is that floor at its speed;
     * scaled by the two rows' times (a slower row has fewer operations to spread it over) it is this row's floor.
     * One object per operation (16 bytes or more) stays far above the 1 B/op threshold either way.
     */
    private Verdict allocation(String goal, Predicate<Row> which, String rowsWanted) {
        String target = "0 B/op (net < " + (int) ZERO_BYTES + " B/op)";
        List<Row> matching = rows.stream().filter(which).toList();
        if (matching.isEmpty()) return missing(goal, target, rowsWanted);
        Row worst = null;
        double worstNet = Double.NEGATIVE_INFINITY, worstFloor = 0;
        for (Row r : matching) {
            double floor = harnessFloor(r), net = r.bytesPerOpAllocated() - floor;
            if (Double.isNaN(net)) {
                return missing(goal, target, "allocation profile for " + r.kase() + "_" + r.impl()
                        + " (-prof gc or WorkerAllocProfiler)");
            }
            if (net > worstNet) {
                worst = r;
                worstNet = net;
                worstFloor = floor;
            }
        }
        Status status = worstNet < ZERO_BYTES ? Status.MET : Status.NOT_MET;
        String name = worst.kase() + "_" + worst.impl() + paramsText(worst);
        return new Verdict(goal, target, "net at most " + Format.bytes(Math.max(0, worstNet)) + " B/op (" + name
                + ": " + Format.bytes(worst.bytesPerOpAllocated()) + " B/op, harness floor " + Format.bytes(worstFloor)
                + "; " + matching.size() + " rows)", status,
                status == Status.MET ? "" : "the benchmark threads allocate in " + name);
    }

    /** What the harness allocates per operation of {@code row}: its C row's B/op scaled to {@code row}'s time. */
    private double harnessFloor(Row row) {
        return reference(row).map(c -> c.bytesPerOpAllocated() * row.nsPerOp() / c.nsPerOp()).orElse(0.0);
    }

    private static Verdict notMeasured(String goal, String target, String why) {
        return new Verdict(goal, target, "-", Status.NOT_MEASURED, why + " (TODO in docs/benchmarks.md).");
    }

    private static Verdict missing(String goal, String target, String rowsWanted) {
        return new Verdict(goal, target, "-", Status.NOT_MEASURED, "this run has no " + rowsWanted + ".");
    }

    private Optional<Row> row(String benchmark, String kase, String impl) {
        return rows.stream().filter(r -> r.benchmark().equals(benchmark) && r.kase().equals(kase)
                && r.impl().equals(impl)).findFirst();
    }

    private List<Row> rows(String benchmark, String kase, String impl) {
        return rows.stream().filter(r -> r.benchmark().equals(benchmark) && r.kase().equals(kase)
                && r.impl().equals(impl)).toList();
    }

    /** The C row of {@code row}'s group. */
    Optional<Row> reference(Row row) {
        return reference(rows, row);
    }

    static Optional<Row> reference(List<Row> rows, Row row) {
        return rows.stream().filter(r -> r.impl().equals(Row.C) && r.group().equals(row.group())).findFirst();
    }

    private static String withinError(Row a, Row b) {
        double gap = Math.abs(a.nsPerOp() - b.nsPerOp());
        if (Double.isNaN(a.error()) || Double.isNaN(b.error())) return "";
        return gap <= a.error() + b.error() ? " (the gap lies within the two rows' error bars: noise can explain it)"
                : "";
    }

    private static String paramsText(Row r) {
        return r.params().isEmpty() ? "" : " " + r.params();
    }

    static String ns(Row r) {
        return ns(r.nsPerOp());
    }

    static String ns(double v) {
        return Format.number(v) + " ns";
    }

    static String gbs(Row r) {
        return String.format(Locale.ROOT, "%.2f GB/s", r.gigabytesPerSecond());
    }

    static String ratio(double r) {
        return String.format(Locale.ROOT, "%.2fx", r);
    }

    static String bytes(long b) {
        if (b >= 1 << 20 && b % (1 << 20) == 0) return (b >> 20) + " MiB";
        if (b >= 1 << 10 && b % (1 << 10) == 0) return (b >> 10) + " KiB";
        return b + " B";
    }
}
