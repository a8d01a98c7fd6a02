package io.mdevgpu.bench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import io.mdevgpu.bench.report.Goals.Status;
import io.mdevgpu.bench.report.Goals.Verdict;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BenchReportTest {
    private static final String PKG = "io.mdevgpu.bench.";
    private static final RunInfo INFO = new RunInfo("2026-01-01T00:00Z", 2, "Test CPU", "Linux 6.1", "run.sh", "busy");

    /** One JMH JSON result, shaped as JMH 1.37 writes it. */
    private static String result(String benchmark, Map<String, String> params, double score, String error,
            double workerBytes, double jvmBytes) {
        String p = params.entrySet().stream().map(e -> "\"" + e.getKey() + "\":\"" + e.getValue() + "\"")
                .collect(Collectors.joining(","));
        return """
                {"jmhVersion":"1.37","benchmark":"%s","mode":"avgt","threads":1,"forks":1,"jvm":"/jdk/bin/java",
                 "jvmArgs":["--enable-native-access=ALL-UNNAMED"],"jdkVersion":"25.0.1","vmName":"OpenJDK 64-Bit Server VM",
                 "vmVersion":"25.0.1+8-LTS","warmupIterations":2,"warmupTime":"1 s","warmupBatchSize":1,
                 "measurementIterations":3,"measurementTime":"1 s","measurementBatchSize":1,"params":{%s},
                 "primaryMetric":{"score":%s,"scoreError":%s,"scoreConfidence":[0,0],"scoreUnit":"ns/op","rawData":[[1,2,3]]},
                 "secondaryMetrics":{"gc.alloc.rate.norm":{"score":%s,"scoreError":"NaN","scoreUnit":"B/op"},
                   "worker.alloc.norm":{"score":%s,"scoreError":"NaN","scoreUnit":"B/op"}}}
                """.formatted(PKG + benchmark, p, score, error, jvmBytes, workerBytes);
    }

    private static String ioctl(String method, double score) {
        return result("ioctl.IoctlBench." + method, Map.of(), score, "1.0", 0.01, 0.3);
    }

    /** A complete run where every measured goal is met, with round numbers to check against. */
    private static List<String> goodRun() {
        List<String> r = new ArrayList<>();
        for (String c : List.of("fionread", "enotty")) {
            r.add(ioctl(c + "Call_c", 110));
            r.add(ioctl(c + "Call_jna", 170));
            r.add(ioctl(c + "Call_mdevgpu", 112));
            r.add(ioctl(c + "Loop_c", 100));
            r.add(ioctl(c + "Loop_jna", 160));
            r.add(ioctl(c + "Loop_mdevgpu", 104));
            if (c.equals("fionread")) r.add(ioctl(c + "Loop_critical", 101));
        }
        Map<String, String> big = Map.of("bytes", "67108864"), small = Map.of("bytes", "4096");
        r.add(result("region.RegionCopyBench.copyOut_c", big, 10_000_000, "100000", 0.002, 5000));
        r.add(result("region.RegionCopyBench.copyOut_mdevgpu", big, 9_000_000, "100000", 0.002, 4500));
        r.add(result("region.RegionCopyBench.copyIn_c", big, 10_000_000, "100000", 0.002, 5000));
        r.add(result("region.RegionCopyBench.copyIn_mdevgpu", big, 10_000_000, "100000", 0.002, 5000));
        r.add(result("region.RegionReadBench.readLoop_c", small, 200, "2", 0.001, 0.1));
        r.add(result("region.RegionReadBench.readLoop_mdevgpu", small, 150, "2", 0.001, 0.1));
        r.add(result("region.RegionReadBench.readLoop_c", big, 8_000_000, "1000", 0.001, 4000));
        r.add(result("region.RegionReadBench.readLoop_mdevgpu", big, 8_240_000, "1000", 0.001, 4100));
        r.add(result("region.RegionReadBench.readLoop_read64", small, 400, "2", 0.001, 0.1));
        r.add(result("region.RegionReadBench.readLoop_read64", big, 8_800_000, "1000", 0.001, 4100));
        r.add(result("region.RegionMapBench.mapUnmap_c", Map.of(), 5000, "\"NaN\"", 0.0, 1.0));
        r.add(result("region.RegionMapBench.mapUnmap_mdevgpu", Map.of(), 5100, "\"NaN\"", 0.0, 1.0));
        r.add(result("region.RegionMapBench.mapUnmap_confinedArena", Map.of(), 6000, "\"NaN\"", 0.0, 1.0));
        r.add(result("region.VfioDeviceBench.pread64_c", Map.of(), 600, "10", 0.0, 0.1));
        r.add(result("region.VfioDeviceBench.pread64_mdevgpu", Map.of(), 610, "10", 0.0, 0.1));
        r.add(result("region.VfioDeviceBench.ioctlReset_mdevgpu", Map.of(), 12, "1", 0.0, 0.01));
        for (String family : List.of("R510", "R595")) {
            Map<String, String> f = Map.of("family", family);
            r.add(result("nvrm.RmCodecBench.encodeConfigInfo_mdevgpu", f, 300, "5", 0.0, 0.01));
            r.add(result("nvrm.RmCodecBench.decodeConfigInfo_mdevgpu", f, 600, "5", 0.1, 0.2));
            r.add(result("nvrm.RmCodecBench.allocEncode_mdevgpu", f, 30, "1", 0.0, 0.01));
        }
        r.add(result("pci.ConfigSpaceBench.read32_mdevgpu", Map.of(), 1.5, "0.1", 0.0, 0.0));
        r.add(result("pci.ConfigSpaceBench.write32_mdevgpu", Map.of(), 4.0, "0.1", 0.0, 0.0));
        r.add(result("pci.ConfigSpaceBench.barSizing_mdevgpu", Map.of(), 5.0, "0.1", 0.0, 0.0));
        r.addAll(growth(1));
        r.add(plan(6600));
        return r;
    }

    /**
     * The growth rows: apply on 1, 4 and 16 GPUs, list of 10, 100 and 1,000 instances, with a fixed cost of 40 us
     * and a cost per unit of 60 us (apply) and 1.4 us (list), times the size to the power {@code exponent}.
     */
    private static List<String> growth(double exponent) {
        List<String> r = new ArrayList<>();
        for (int gpus : new int[] {1, 4, 16}) {
            r.add(result("scale.ApplyScaleBench.apply_mdevgpu", Map.of("gpus", "" + gpus), 40_000 + 60_000 * Math.pow(gpus,
                    exponent), "1000", 50_000, 50_000));
        }
        for (int instances : new int[] {10, 100, 1000}) {
            r.add(result("scale.ListScaleBench.list_mdevgpu", Map.of("instances", "" + instances),
                    40_000 + 1_400 * Math.pow(instances, exponent), "100", 1000, 1000));
        }
        return r;
    }

    /** JMH keeps parameters in declaration order: gpus before types. */
    private static String plan(double ns) {
        Map<String, String> p = new java.util.LinkedHashMap<>();
        p.put("gpus", "8");
        p.put("types", "16");
        return result("partition.PlanBench.plan_mdevgpu", p, ns, "100", 13760, 13800);
    }

    private static JmhRun parse(List<String> results) {
        return JmhRun.parse("[" + String.join(",", results) + "]", "test.json");
    }

    private static Verdict verdict(List<Verdict> verdicts, String goalStart) {
        return verdicts.stream().filter(v -> v.goal().startsWith(goalStart)).findFirst()
                .orElseThrow(() -> new AssertionError("no goal " + goalStart + " in " + verdicts));
    }

    @Test
    void rowsAreSplitIntoBenchmarkCaseAndImplementation() {
        JmhRun run = parse(goodRun());
        Row first = run.rows().getFirst();
        assertEquals("IoctlBench", first.benchmark());
        assertEquals("fionreadCall", first.kase());
        assertEquals("c", first.impl());
        assertEquals(110, first.nsPerOp());
        assertEquals(0.01, first.workerBytes());
        assertEquals(0.3, first.jvmBytes());
        Row map = run.rows().stream().filter(r -> r.kase().equals("mapUnmap")).findFirst().orElseThrow();
        assertTrue(Double.isNaN(map.error()), "JMH's \"NaN\" error string");
        Row plan = run.rows().getLast();
        assertEquals(List.of("gpus", "types"), List.copyOf(plan.params().keySet()), "declaration order kept");
        assertEquals("25.0.1", run.jdkVersion());
        assertEquals(List.of("--enable-native-access=ALL-UNNAMED"), run.jvmArgs());
        assertEquals("forks 1, warmup 2 x 1 s, measurement 3 x 1 s, threads 1", run.settings());
    }

    @Test
    void tableShowsRatiosToTheCRowOfTheSameGroupAndThroughput() {
        String doc = BenchReport.render(parse(goodRun()), INFO, "{{RUN}}\n{{RESULTS}}\n{{GOALS}}");
        // 104 / 100 against the loop's C row, not against the call's 110
        assertTrue(doc.contains("| fionreadLoop |  | mdevgpu | 104.0 | 1.00 | 0.010 | 0.300 |  | 1.04x |"), doc);
        assertTrue(doc.contains("| fionreadLoop |  | **c** | 100.0 | 1.00 | 0.010 | 0.300 |  | 1.00x |"), doc);
        assertTrue(doc.contains("| fionreadLoop |  | jna | 160.0 | 1.00 | 0.010 | 0.300 |  | 1.60x |"), doc);
        // 64 MiB in 9 ms = 7.46 GB/s; the 4 KiB read row is compared with the 4 KiB C row only
        assertTrue(doc.contains("| copyOut | 64 MiB | mdevgpu | 9,000,000 | 100,000 | 0.002 | 4,500 | 7.46 | 0.90x |"), doc);
        assertTrue(doc.contains("| readLoop | 4 KiB | mdevgpu | 150.0 | 2.00 | 0.001 | 0.100 | 27.31 | 0.75x |"), doc);
        assertTrue(doc.contains("| readLoop | 64 MiB | mdevgpu | 8,240,000 | 1,000 | 0.001 | 4,100 | 8.14 | 1.03x |"), doc);
        assertTrue(doc.contains("| mapUnmap |  | mdevgpu | 5,100 | - |"), doc);
        assertTrue(doc.contains("| machine | 2 CPUs (nproc), Test CPU, Linux 6.1 |"), doc);
        assertTrue(doc.contains("**Conditions:** busy"), doc);
    }

    @Test
    void aGoodRunMeetsEveryMeasuredGoalAndLeavesTheRestUnmeasured() {
        List<Verdict> verdicts = Goals.judge(parse(goodRun()).rows());
        assertEquals(Status.MET, verdict(verdicts, "ioctl round trip through the library vs the same loop").status());
        assertEquals("FIONREAD 1.04x (104.0 ns vs 100.0 ns); ENOTTY 1.04x (104.0 ns vs 100.0 ns)",
                verdict(verdicts, "ioctl round trip through the library vs the same loop").measured());
        assertEquals(Status.MET, verdict(verdicts, "ioctl round trip through the library allocates").status());
        assertEquals(Status.MET, verdict(verdicts, "ioctl round trip through the library vs JNA").status());
        assertEquals(Status.MET, verdict(verdicts, "region bulk copy").status());
        assertEquals(Status.MET, verdict(verdicts, "8-byte read loop").status());
        assertEquals(Status.MET, verdict(verdicts, "region copy and read loop allocate").status());
        assertEquals(Status.MET, verdict(verdicts, "issue 3's smoke").status());
        assertEquals(Status.MET, verdict(verdicts, "config-space").status());
        assertEquals("read32 1.50 ns, 0.000 B/op; write32 4.00 ns, 0.000 B/op; barSizing 5.00 ns, 0.000 B/op",
                verdict(verdicts, "config-space").measured());
        assertEquals(Status.MET, verdict(verdicts, "a plan for 8 GPUs").status());
        assertTrue(verdict(verdicts, "a plan for 8 GPUs").measured().startsWith("6.60 us"),
                verdict(verdicts, "a plan for 8 GPUs").measured());
        assertEquals(Status.MET, verdict(verdicts, "RM control").status());
        assertEquals(Status.MET, verdict(verdicts, "map + unmap into the caller's confined arena").status());
        assertEquals("1.20x (6,000 ns vs 5,000 ns; the shared default 5,100 ns)",
                verdict(verdicts, "map + unmap into the caller's confined arena").measured());
        assertEquals(Status.MET, verdict(verdicts, "FIONREAD through a critical(false) downcall").status());
        assertTrue(verdicts.stream().noneMatch(v -> v.status() == Status.NOT_MEASURED), verdicts.toString());
        // the read64 variant is reported beside the judged segment loop, as a ratio to the same C row
        String read = verdict(verdicts, "8-byte read loop").why();
        assertTrue(read.contains("Judged on the mapping's segment") && read.contains("VfioRegion.read64 for every word") && read.contains("4 KiB 2.00x, 64 MiB 1.10x"), read);
        // the decomposition: C call - C loop = 10 ns per downcall, library call - C call = 2 ns
        String why = verdict(verdicts, "ioctl round trip through the library vs the same loop").why();
        assertTrue(why.contains("one FFM downcall adds 10.00 ns"), why);
        assertTrue(why.contains("the library's own call adds 2.00 ns"), why);
    }

    @Test
    void slowOrAllocatingRowsMissTheirGoals() {
        List<String> run = new ArrayList<>(goodRun());
        run.replaceAll(r -> r.contains("fionreadLoop_mdevgpu") ? ioctl("fionreadLoop_mdevgpu", 120) : r);
        run.replaceAll(r -> r.contains("enottyCall_mdevgpu")
                ? result("ioctl.IoctlBench.enottyCall_mdevgpu", Map.of(), 112, "1.0", 24.0, 24.3) : r);
        run.replaceAll(r -> r.contains("copyIn_mdevgpu")
                ? result("region.RegionCopyBench.copyIn_mdevgpu", Map.of("bytes", "67108864"), 10_100_000, "10", 0.002, 5000)
                : r);
        List<Verdict> verdicts = Goals.judge(parse(run).rows());
        Verdict vsC = verdict(verdicts, "ioctl round trip through the library vs the same loop");
        assertEquals(Status.NOT_MET, vsC.status());
        assertTrue(vsC.measured().startsWith("FIONREAD 1.20x"), vsC.measured());
        // 160 / 120 = 1.33 < 1.4: over the 100 ns C loop JNA adds 60 ns, the library 20; 1.4x needs 0.4 * 120 + 20
        Verdict vsJna = verdict(verdicts, "ioctl round trip through the library vs JNA");
        assertEquals(Status.NOT_MET, vsJna.status());
        assertTrue(vsJna.why().contains("FIONREAD: over the C loop's 100.0 ns, JNA adds 60.00 ns per call and the "
                + "library 20.00 ns; 1.4x needs JNA to add at least 68.00 ns"), vsJna.why());
        Verdict alloc = verdict(verdicts, "ioctl round trip through the library allocates");
        assertEquals(Status.NOT_MET, alloc.status());
        assertTrue(alloc.measured().contains("(enottyCall_mdevgpu: 24.00 B/op, harness floor 0.010"), alloc.measured());
        // 10.1 ms against C's 10 ms +- 0.1 ms: a miss the error bars can explain is marked so
        Verdict copy = verdict(verdicts, "region bulk copy");
        assertEquals(Status.NOT_MET_WITHIN_NOISE, copy.status());
        assertTrue(copy.why().contains("copyIn is 1.01x of C (the gap lies within"), copy.why());
        assertTrue(BenchReport.goalsSection(verdicts).contains("| **not met** (within noise) |"));
    }

    @Test
    void decodeAllocatingItsResultMissesTheRmGoalAndSaysWhy() {
        List<String> run = new ArrayList<>(goodRun());
        for (String family : List.of("R510", "R595")) {
            String row = "decodeConfigInfo_mdevgpu\",\"mode\"";
            run.replaceAll(r -> r.contains(row) && r.contains(family) ? result("nvrm.RmCodecBench.decodeConfigInfo_mdevgpu",
                    Map.of("family", family), 600, "5", 528, 530) : r);
        }
        Verdict rm = verdict(Goals.judge(parse(run).rows()), "RM control");
        assertEquals(Status.NOT_MET, rm.status());
        assertTrue(rm.why().startsWith("decodeConfigInfo_mdevgpu allocates 528.0 B/op net in 2 of its rows: decoding returns "
                + "a new MdevType"), rm.why());
        assertTrue(rm.why().contains("encodeConfigInfo_mdevgpu and allocEncode_mdevgpu allocate nothing"), rm.why());
        assertTrue(BenchReport.goalsSection(Goals.judge(parse(run).rows())).contains("- *RM control marshalling: encode a "
                + "vGPU type and decode replies, per release family*, **not met**: decodeConfigInfo_mdevgpu allocates"));
    }

    @Test
    void slowConfigSpaceOrPlanningMissTheirLimits() {
        List<String> run = new ArrayList<>(goodRun());
        run.replaceAll(r -> r.contains("write32_mdevgpu") ? result("pci.ConfigSpaceBench.write32_mdevgpu", Map.of(), 10.5,
                "1.0", 0.0, 0.0) : r);
        run.replaceAll(r -> r.contains("PlanBench") ? plan(150_000) : r);
        List<Verdict> verdicts = Goals.judge(parse(run).rows());
        Verdict config = verdict(verdicts, "config-space");
        assertEquals(Status.NOT_MET_WITHIN_NOISE, config.status(), "10.5 +- 1.0 ns reaches below 10 ns");
        assertTrue(config.why().contains("write32 takes 10.50 ns (the limit lies within its error bar"), config.why());
        Verdict plan = verdict(verdicts, "a plan for 8 GPUs");
        assertEquals(Status.NOT_MET, plan.status());
        assertTrue(plan.why().contains("150,000 ns"), plan.why());
    }

    @Test
    void allocationIsJudgedAboveTheHarnessFloorOfTheCRow() {
        Map<String, String> big = Map.of("bytes", "67108864");
        List<String> run = new ArrayList<>(goodRun());
        // JMH's ~500 B per iteration over ~100 ops: the C row shows 4.5 B/op at 10 ms; the library at 8 ms has
        // 125 ops per iteration, so its floor is 4.5 * 8 / 10 = 3.6 B/op
        run.replaceAll(r -> r.contains("copyOut_c") ? result("region.RegionCopyBench.copyOut_c", big, 10_000_000,
                "1", 4.5, 900) : r);
        run.replaceAll(r -> r.contains("copyOut_mdevgpu") ? result("region.RegionCopyBench.copyOut_mdevgpu", big,
                8_000_000, "1", 4.1, 750) : r);
        Verdict quiet = verdict(Goals.judge(parse(run).rows()), "region copy and read loop allocate");
        assertEquals(Status.MET, quiet.status());
        assertTrue(quiet.measured().startsWith("net at most 0.500 B/op (copyOut_mdevgpu {bytes=67108864}: 4.100 B/op, "
                + "harness floor 3.600"), quiet.measured());

        // one 16-byte object per copy stands out above the floor
        run.replaceAll(r -> r.contains("copyOut_mdevgpu") ? result("region.RegionCopyBench.copyOut_mdevgpu", big,
                8_000_000, "1", 19.6, 770) : r);
        Verdict allocating = verdict(Goals.judge(parse(run).rows()), "region copy and read loop allocate");
        assertEquals(Status.NOT_MET, allocating.status());
        assertTrue(allocating.why().contains("copyOut_mdevgpu"), allocating.why());
    }

    @Test
    void aSlowRowIsResolvedOnlyToTheBookkeepingSpreadOverItsOperations() {
        Map<String, String> big = Map.of("bytes", "67108864");
        List<String> run = new ArrayList<>(goodRun());
        // 45 ms: 22.2 operations per 1 s iteration, so 256 B of bookkeeping spread is 11.5 B/op; the C row's floor
        // scaled to 45 ms is 0.001 * 45 / 8 B/op, so 5.6 B/op net is within the spread...
        run.replaceAll(r -> r.contains("readLoop_read64") && r.contains("67108864")
                ? result("region.RegionReadBench.readLoop_read64", big, 45_000_000, "1000", 5.6, 5500) : r);
        Verdict within = verdict(Goals.judge(parse(run).rows()), "region copy and read loop allocate");
        assertEquals(Status.MET, within.status());
        assertTrue(within.why().contains("readLoop_read64 {bytes=67108864} makes 22.22 operations per iteration, so its "
                + "allocation is resolved only to 11.52 B/op"), within.why());
        // ...and one 16-byte object per operation is not
        run.replaceAll(r -> r.contains("readLoop_read64") && r.contains("67108864")
                ? result("region.RegionReadBench.readLoop_read64", big, 45_000_000, "1000", 21.6, 5500) : r);
        assertEquals(Status.NOT_MET, verdict(Goals.judge(parse(run).rows()), "region copy and read loop allocate").status());
        assertEquals(1e9, JmhRun.nanos("1 s"));
        assertEquals(5e8, JmhRun.nanos("500 ms"));
        assertTrue(Double.isNaN(JmhRun.nanos("soon")));
    }

    @Test
    void linearGrowthMeetsTheGoalAndQuadraticGrowthDoesNot() {
        Verdict linear = verdict(Goals.judge(parse(goodRun()).rows()), "cost grows linearly");
        assertEquals(Status.MET, linear.status());
        // apply: (40 + 60 * 16) / 16 = 62.5 us per GPU against 100 us at 1 GPU
        assertEquals("apply per GPU 1: 100.00 us, 4: 70.00 us, 16: 62.50 us (0.63x); list per instance 10: 5.40 us, "
                + "100: 1.80 us, 1000: 1.44 us (0.27x)", linear.measured());
        assertEquals("156.30 ms", Format.time(156_295_032));
        assertEquals("850.0 ns", Format.time(850));

        List<String> run = new ArrayList<>(goodRun());
        run.removeIf(r -> r.contains("ScaleBench"));
        run.addAll(growth(2));
        Verdict quadratic = verdict(Goals.judge(parse(run).rows()), "cost grows linearly");
        assertEquals(Status.NOT_MET, quadratic.status());
        // (40 + 60 * 256) / 16 = 962.5 us per GPU against 100 us: 9.63x
        assertTrue(quadratic.why().contains("apply per GPU at 16 is 9.63x of that at 1: the cost grows faster than the "
                + "gpus"), quadratic.why());
        assertTrue(quadratic.why().contains("list per instance at 1000 is"), quadratic.why());

        // just above the tolerance, within the error bars: not met, within noise
        run.removeIf(r -> r.contains("ScaleBench"));
        run.addAll(growth(1));
        run.replaceAll(r -> r.contains("apply_mdevgpu") && r.contains("\"16\"") ? result("scale.ApplyScaleBench.apply_mdevgpu",
                Map.of("gpus", "16"), 16 * 155_000, "100000", 0, 0) : r);
        Verdict noisy = verdict(Goals.judge(parse(run).rows()), "cost grows linearly");
        assertEquals(Status.NOT_MET_WITHIN_NOISE, noisy.status(), noisy::toString);
    }

    @Test
    void growthWithOneSizeOrNoneIsNotMeasured() {
        List<String> run = new ArrayList<>(goodRun());
        run.removeIf(r -> r.contains("ListScaleBench") && !r.contains("\"10\""));
        Verdict one = verdict(Goals.judge(parse(run).rows()), "cost grows linearly");
        assertEquals(Status.NOT_MEASURED, one.status());
        assertTrue(one.why().contains("ListScaleBench.list_mdevgpu at two instances sizes"), one.why());
        run.removeIf(r -> r.contains("ScaleBench"));
        assertEquals(Status.NOT_MEASURED, verdict(Goals.judge(parse(run).rows()), "cost grows linearly").status());
    }

    @Test
    void aFilteredRunLeavesItsOtherGoalsUnmeasured() {
        List<String> onlyIoctl = goodRun().stream().filter(r -> r.contains("IoctlBench")).toList();
        List<Verdict> verdicts = Goals.judge(parse(onlyIoctl).rows());
        assertEquals(Status.MET, verdict(verdicts, "ioctl round trip through the library vs the same loop").status());
        Verdict copy = verdict(verdicts, "region bulk copy");
        assertEquals(Status.NOT_MEASURED, copy.status());
        assertTrue(copy.why().contains("RegionCopyBench.copyOut_{mdevgpu,c}"), copy.why());
    }

    @Test
    void theShippedTemplateHasEverySlotAndTheTodoList() {
        String doc = BenchReport.render(parse(goodRun()), INFO, BenchReport.template());
        assertTrue(doc.startsWith("# Benchmarks"), doc);
        assertTrue(!doc.contains("{{"), "a slot was left unfilled");
        assertTrue(doc.contains("## What is left"), doc);
        // every benchmark under its heading, in the goals' order, each row of a group together
        List<String> order = List.of("(`IoctlBench`)", "(`VfioDeviceBench`)", "(`RegionCopyBench`)", "(`RegionReadBench`)",
                "(`RegionMapBench`)", "(`RmCodecBench`)", "(`ConfigSpaceBench`)", "(`PlanBench`)");
        int at = -1;
        for (String heading : order) {
            int next = doc.indexOf(heading);
            assertTrue(next > at, heading + " after the previous heading");
            at = next;
        }
        assertTrue(doc.contains("| plan | gpus=8, types=16 | mdevgpu | 6,600 |"), doc);
        assertTrue(doc.contains("| encodeConfigInfo | family=R510 | mdevgpu | 300.0 |"), doc);
    }

    @Test
    void badInputFailsNamingTheFileAndTheFix(@TempDir Path dir) throws Exception {
        IllegalArgumentException notJson = assertThrows(IllegalArgumentException.class,
                () -> JmhRun.parse("# Run complete", "r.json"));
        assertTrue(notJson.getMessage().startsWith("r.json is not JSON"), notJson.getMessage());
        assertTrue(notJson.getMessage().contains("-rf json"), notJson.getMessage());

        IllegalArgumentException empty = assertThrows(IllegalArgumentException.class, () -> JmhRun.parse("[]", "r.json"));
        assertTrue(empty.getMessage().contains("no JMH results"), empty.getMessage());

        IllegalArgumentException foreign = assertThrows(IllegalArgumentException.class,
                () -> JmhRun.parse("[{\"name\":\"x\"}]", "r.json"));
        assertTrue(foreign.getMessage().contains("not JMH's JSON"), foreign.getMessage());

        String throughput = ioctl("fionreadCall_c", 1).replace("\"ns/op\"", "\"ops/s\"");
        IllegalArgumentException unit = assertThrows(IllegalArgumentException.class,
                () -> JmhRun.parse("[" + throughput + "]", "r.json"));
        assertTrue(unit.getMessage().contains("ops/s"), unit.getMessage());

        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> JmhRun.read(dir.resolve("absent.json")));
        assertTrue(missing.getMessage().contains("absent.json"), missing.getMessage());

        IllegalArgumentException slot = assertThrows(IllegalArgumentException.class,
                () -> BenchReport.render(parse(goodRun()), INFO, "{{RUN}} {{RESULTS}}"));
        assertTrue(slot.getMessage().contains("{{GOALS}}"), slot.getMessage());

        assertThrows(IllegalArgumentException.class, () -> BenchReport.run(new String[] {"a.json"}));
        assertThrows(IllegalArgumentException.class, () -> BenchReport.run(new String[] {"a", "b", "--colour"}));
        assertThrows(IllegalArgumentException.class, () -> BenchReport.run(new String[] {"a", "b", "--note"}));
    }

    @Test
    void mainWritesTheReportFile(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("results.json"), md = dir.resolve("benchmarks.md");
        Files.writeString(json, "[" + String.join(",", goodRun()) + "]");
        BenchReport.run(new String[] {json.toString(), md.toString(), "--command", "run.sh -x", "--note", "quiet"});
        String doc = Files.readString(md);
        assertTrue(doc.contains("| command | `run.sh -x` |"), doc);
        assertTrue(doc.contains("**Conditions:** quiet"), doc);
        assertTrue(doc.contains("### VFIO region: 8-byte read loop (`RegionReadBench`)"), doc);
    }

    @Test
    void theStartUpSectionIsWhatStartupShPrintedOrSaysItWasNotMeasured(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws java.io.IOException {
        assertTrue(BenchReport.startup(null).startsWith("Not measured in this run"));
        assertTrue(BenchReport.startup(dir.resolve("absent.txt")).startsWith("Not measured in this run"));
        java.nio.file.Path printed = java.nio.file.Files.writeString(dir.resolve("startup.txt"), "repo: mdevgpu list  90 ms  1.5\n");
        assertEquals("```\n$ mdevgpu-bench/startup.sh\nrepo: mdevgpu list  90 ms  1.5\n```", BenchReport.startup(printed));
    }
}
