package io.mdevgpu.bench.report;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns a JMH JSON result file into {@code docs/benchmarks.md}: the fixed text of
 * {@code benchmarks-template.md} with the run's header, the result tables (ns/op, B/op, GB/s, ratio to the C row
 * of each group) and the goals judged against the numbers.
 *
 * <pre>java -cp ... io.mdevgpu.bench.report.BenchReport RESULTS.json OUT.md [--command TEXT] [--note TEXT]</pre>
 */
public final class BenchReport {
    static final String TEMPLATE = "benchmarks-template.md";
    private static final List<String> IMPL_ORDER = List.of(Row.LIBRARY, Row.C, Row.JNA);

    private BenchReport() {
    }

    public static void main(String[] args) {
        try {
            run(args);
        } catch (IllegalArgumentException | UncheckedIOException e) {
            System.err.println("BenchReport: " + e.getMessage());
            System.exit(2);
        }
    }

    static void run(String[] args) {
        List<String> positional = new ArrayList<>();
        String command = "", note = "";
        Path startup = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--command" -> command = value(args, ++i, "--command");
                case "--note" -> note = value(args, ++i, "--note");
                case "--startup" -> startup = Path.of(value(args, ++i, "--startup"));
                default -> {
                    if (args[i].startsWith("--")) throw usage("unknown option " + args[i]);
                    positional.add(args[i]);
                }
            }
        }
        if (positional.size() != 2) throw usage("expected RESULTS.json and OUT.md, got " + positional);
        JmhRun run = JmhRun.read(Path.of(positional.get(0)));
        String doc = render(run, RunInfo.ofThisMachine(command, note), template(), startup(startup));
        Path out = Path.of(positional.get(1));
        try {
            Files.writeString(out, doc);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the report " + out + ": " + e.getMessage(), e);
        }
    }

    /** What {@code mdevgpu-bench/startup.sh} printed, as a block, or why there is none. */
    static String startup(Path printed) {
        if (printed == null || !Files.isRegularFile(printed)) {
            return "Not measured in this run (run.sh measures it when `mdevctl` is installed and it runs as root).";
        }
        try {
            return "```\n$ mdevgpu-bench/startup.sh\n" + Files.readString(printed).strip() + "\n```";
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + printed + ": " + e.getMessage(), e);
        }
    }

    /** The whole document: the template with {@code {{RUN}}}, {@code {{RESULTS}}} and {@code {{GOALS}}} filled. */
    public static String render(JmhRun run, RunInfo info, String template) {
        return render(run, info, template, startup(null));
    }

    /** As {@link #render(JmhRun, RunInfo, String)}, with the start-up section ({@code {{STARTUP}}}) given. */
    static String render(JmhRun run, RunInfo info, String template, String startup) {
        for (String slot : List.of("{{RUN}}", "{{RESULTS}}", "{{GOALS}}")) {
            if (!template.contains(slot)) {
                throw new IllegalArgumentException("the report template has no " + slot + " slot: restore it in "
                        + TEMPLATE);
            }
        }
        return template.replace("{{STARTUP}}", startup).replace("{{RUN}}", runSection(run, info))
                .replace("{{RESULTS}}", resultsSection(run.rows()))
                .replace("{{GOALS}}", goalsSection(Goals.judge(run.rows())));
    }

    static String runSection(JmhRun run, RunInfo info) {
        StringBuilder b = new StringBuilder();
        b.append("| | |\n|---|---|\n");
        b.append("| date | ").append(info.date()).append(" |\n");
        b.append("| machine | ").append(info.cpus()).append(" CPUs (nproc), ").append(cell(info.cpuModel()))
                .append(", ").append(cell(info.os())).append(" |\n");
        b.append("| JDK | ").append(cell(run.jdkVersion())).append(", ").append(cell(run.vmName())).append(' ')
                .append(cell(run.vmVersion())).append(" |\n");
        b.append("| JMH | ").append(cell(run.jmhVersion())).append(", ").append(cell(run.settings())).append(" |\n");
        b.append("| fork JVM options | `").append(String.join(" ", run.jvmArgs())).append("` |\n");
        b.append("| command | `").append(info.command().isEmpty() ? "(not given)" : info.command()).append("` |\n");
        if (!info.note().isEmpty()) {
            b.append("\n**Conditions:** ").append(info.note()).append('\n');
        }
        return b.toString();
    }

    static String resultsSection(List<Row> rows) {
        // the known benchmarks in the goals' order, then any other in run order
        Map<String, List<Row>> byBenchmark = new LinkedHashMap<>();
        for (String known : Goals.TITLES.keySet()) {
            List<Row> of = rows.stream().filter(r -> r.benchmark().equals(known)).toList();
            if (!of.isEmpty()) byBenchmark.put(known, of);
        }
        for (Row r : rows) {
            if (!Goals.TITLES.containsKey(r.benchmark())) byBenchmark.computeIfAbsent(r.benchmark(), k -> new ArrayList<>()).add(r);
        }
        StringBuilder b = new StringBuilder();
        for (Map.Entry<String, List<Row>> bench : byBenchmark.entrySet()) {
            String title = Goals.TITLES.get(bench.getKey());
            b.append("### ").append(title == null ? "`" + bench.getKey() + "`" : title + " (`" + bench.getKey() + "`)")
                    .append("\n\n");
            b.append("| case | params | impl | ns/op | ± (99.9%) | B/op (bench threads) | B/op (JVM, gc) | GB/s | vs C |\n");
            b.append("|---|---|---|--:|--:|--:|--:|--:|--:|\n");
            for (Row r : grouped(bench.getValue())) {
                double vsC = Goals.reference(rows, r).map(c -> r.nsPerOp() / c.nsPerOp()).orElse(Double.NaN);
                b.append("| ").append(r.kase()).append(" | ").append(params(r)).append(" | ")
                        .append(r.impl().equals(Row.C) ? "**c**" : r.impl()).append(" | ")
                        .append(Format.number(r.nsPerOp())).append(" | ").append(Format.number(r.error())).append(" | ")
                        .append(Format.bytes(r.workerBytes())).append(" | ").append(Format.bytes(r.jvmBytes())).append(" | ")
                        .append(Double.isNaN(r.gigabytesPerSecond()) ? "" : String.format(java.util.Locale.ROOT, "%.2f",
                                r.gigabytesPerSecond()))
                        .append(" | ").append(Double.isNaN(vsC) ? "" : Goals.ratio(vsC)).append(" |\n");
            }
            b.append('\n');
        }
        return b.toString().stripTrailing() + "\n";
    }

    static String goalsSection(List<Goals.Verdict> verdicts) {
        StringBuilder b = new StringBuilder();
        b.append("| goal | target | measured | verdict |\n|---|---|---|---|\n");
        for (Goals.Verdict v : verdicts) {
            b.append("| ").append(cell(v.goal())).append(" | ").append(cell(v.target())).append(" | ")
                    .append(cell(v.measured())).append(" | ").append(v.status().text).append(" |\n");
        }
        List<Goals.Verdict> explained = verdicts.stream().filter(v -> !v.why().isEmpty()).toList();
        if (!explained.isEmpty()) {
            b.append("\nWhy, from the same numbers:\n\n");
            for (Goals.Verdict v : explained) {
                b.append("- *").append(v.goal()).append("*, ").append(v.status().text).append(": ").append(v.why())
                        .append('\n');
            }
        }
        return b.toString();
    }

    /** Rows of one benchmark, each group together (in run order) with the library first, then C, then JNA. */
    private static List<Row> grouped(List<Row> rows) {
        Map<String, List<Row>> groups = new LinkedHashMap<>();
        for (Row r : rows) groups.computeIfAbsent(r.group(), k -> new ArrayList<>()).add(r);
        List<Row> out = new ArrayList<>();
        for (List<Row> g : groups.values()) {
            g.stream().sorted(java.util.Comparator.comparingInt(BenchReport::implRank)).forEach(out::add);
        }
        return out;
    }

    private static int implRank(Row r) {
        int i = IMPL_ORDER.indexOf(r.impl());
        return i < 0 ? IMPL_ORDER.size() : i;
    }

    private static String params(Row r) {
        if (r.params().isEmpty()) return "";
        List<String> parts = new ArrayList<>();
        r.params().forEach((k, v) -> parts.add(k.equals("bytes") ? Goals.bytes(Long.parseLong(v)) : k + "=" + v));
        return String.join(", ", parts);
    }

    /** Text safe inside a Markdown table cell. */
    private static String cell(String s) {
        return s.replace("|", "\\|").replace("\n", " ");
    }

    static String template() {
        try (InputStream in = BenchReport.class.getResourceAsStream(TEMPLATE)) {
            if (in == null) throw new IllegalStateException(TEMPLATE + " is missing from the bench jar");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) throw usage(option + " needs a value");
        return args[i];
    }

    private static IllegalArgumentException usage(String problem) {
        return new IllegalArgumentException(problem + "\nusage: BenchReport RESULTS.json OUT.md [--command TEXT] "
                + "[--note TEXT]");
    }
}
