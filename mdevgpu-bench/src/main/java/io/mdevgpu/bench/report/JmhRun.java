package io.mdevgpu.bench.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A JMH run as read from its {@code -rf json} file: the rows in the order JMH ran them and the settings of the
 * run (taken from its first result; {@code run.sh} uses one setting for all).
 */
public record JmhRun(List<Row> rows, String jmhVersion, String jdkVersion, String vmName, String vmVersion,
        List<String> jvmArgs, String settings) {
    static final String WORKER_METRIC = io.mdevgpu.bench.prof.WorkerAllocProfiler.METRIC;
    static final String JVM_METRIC = "gc.alloc.rate.norm";

    public JmhRun {
        rows = List.copyOf(rows);
        jvmArgs = List.copyOf(jvmArgs);
    }

    /** Reads a JMH JSON result file; a missing, empty or non-JMH file fails naming the file and the fix. */
    public static JmhRun read(Path file) {
        String json;
        try {
            json = Files.readString(file);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read JMH results " + file + " (" + e + "): run "
                    + "mdevgpu-bench/run.sh, which writes them", e);
        }
        return parse(json, file.toString());
    }

    /** Parses JMH's JSON; {@code source} names it in errors. */
    public static JmhRun parse(String json, String source) {
        JsonNode root;
        try {
            root = JsonMapper.builder().build().readTree(json);
        } catch (JacksonException e) {
            throw new IllegalArgumentException(source + " is not JSON (" + e.getOriginalMessage()
                    + "): pass the file JMH wrote with -rf json", e);
        }
        if (root == null || !root.isArray() || root.isEmpty()) {
            throw new IllegalArgumentException(source + " holds no JMH results (expected a non-empty JSON array): "
                    + "did the run fail or did the filter match nothing?");
        }
        List<Row> rows = new ArrayList<>();
        for (JsonNode result : root) {
            rows.add(row(result, source));
        }
        JsonNode first = root.get(0);
        List<String> jvmArgs = new ArrayList<>();
        first.path("jvmArgs").forEach(a -> jvmArgs.add(a.asString()));
        String settings = "forks " + first.path("forks").asString("?")
                + ", warmup " + first.path("warmupIterations").asString("?") + " x " + first.path("warmupTime").asString("?")
                + ", measurement " + first.path("measurementIterations").asString("?") + " x "
                + first.path("measurementTime").asString("?")
                + ", threads " + first.path("threads").asString("?");
        return new JmhRun(rows, first.path("jmhVersion").asString("?"), first.path("jdkVersion").asString("?"),
                first.path("vmName").asString("?"), first.path("vmVersion").asString("?"), jvmArgs, settings);
    }

    private static Row row(JsonNode result, String source) {
        String name = result.path("benchmark").asString("");
        JsonNode primary = result.path("primaryMetric");
        if (name.isEmpty() || !primary.isObject()) {
            throw new IllegalArgumentException(source + ": a result without \"benchmark\" or \"primaryMetric\" "
                    + "is not JMH's JSON: pass the file JMH wrote with -rf json");
        }
        String unit = primary.path("scoreUnit").asString("");
        if (!unit.equals("ns/op")) {
            throw new IllegalArgumentException(source + ": " + name + " is in " + unit + ", the report needs ns/op: "
                    + "keep the benchmarks' @BenchmarkMode(AverageTime) and @OutputTimeUnit(NANOSECONDS)");
        }
        String[] parts = name.split("\\.");
        String benchmark = parts.length >= 2 ? parts[parts.length - 2] : "";
        String method = parts[parts.length - 1];
        int cut = method.lastIndexOf('_');
        String kase = cut < 0 ? method : method.substring(0, cut);
        String impl = cut < 0 ? "" : method.substring(cut + 1);
        Map<String, String> params = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> p : result.path("params").properties()) {
            params.put(p.getKey(), p.getValue().asString());
        }
        JsonNode secondary = result.path("secondaryMetrics");
        return new Row(benchmark, kase, impl, params, number(primary.path("score")), number(primary.path("scoreError")),
                metric(secondary, WORKER_METRIC).orElse(Double.NaN), metric(secondary, JVM_METRIC).orElse(Double.NaN),
                nanos(result.path("measurementTime").asString("")));
    }

    /** JMH's time values, {@code "1 s"}, {@code "500 ms"}: nanoseconds, or NaN for anything else. */
    static double nanos(String time) {
        String[] parts = time.strip().split("\\s+");
        if (parts.length != 2) return Double.NaN;
        double scale = switch (parts[1]) {
            case "ns" -> 1;
            case "us" -> 1e3;
            case "ms" -> 1e6;
            case "s" -> 1e9;
            case "min" -> 60e9;
            default -> Double.NaN;
        };
        try {
            return Double.parseDouble(parts[0]) * scale;
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    private static Optional<Double> metric(JsonNode secondary, String name) {
        JsonNode m = secondary.path(name);
        return m.isObject() ? Optional.of(number(m.path("score"))) : Optional.empty();
    }

    /** JMH writes NaN and infinities as strings. */
    private static double number(JsonNode n) {
        if (n.isNumber()) return n.doubleValue();
        if (n.isString()) {
            try {
                return Double.parseDouble(n.stringValue());
            } catch (NumberFormatException e) {
                return Double.NaN;
            }
        }
        return Double.NaN;
    }
}
