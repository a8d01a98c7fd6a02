#!/usr/bin/env bash
# Runs mdevgpu's JMH benchmarks beside their C and JNA baselines with short settings (a few minutes on a
# 2-core machine), keeps JMH's JSON and writes the Markdown report.
#
#   mdevgpu-bench/run.sh                  the whole set; rewrites docs/benchmarks.md
#   mdevgpu-bench/run.sh 'IoctlBench'     only benchmarks matching the regexes; report in target/bench/
#
# Environment:
#   JAVA_HOME               a JDK 25+ (default /usr/lib/jvm/temurin-25-jdk-amd64 when present)
#   MDEVGPU_BENCH_NOTE      a sentence on the run's conditions, printed in the report (e.g. "machine busy")
#   MDEVGPU_BENCH_DOC       where the report goes (overrides the defaults above)
#   MDEVGPU_BENCH_JMH       JMH settings (default: -f 1 -wi 2 -w 1s -i 3 -r 1s)
#   MDEVGPU_BENCH_SKIP_BUILD=1  reuse the last build
# Needs gcc (the C baseline is compiled during the build).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
if [[ -z "${JAVA_HOME:-}" && -d /usr/lib/jvm/temurin-25-jdk-amd64 ]]; then
    export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
fi
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"

if [[ "${MDEVGPU_BENCH_SKIP_BUILD:-0}" != 1 ]]; then
    # package, never install: the jars stay in each module's target/
    ./mvnw -B -q -pl mdevgpu-bench -am package -DskipTests
fi

out=mdevgpu-bench/target/bench
mkdir -p "$out"
cp="mdevgpu-bench/target/classes:mdevgpu-bench/target/lib/*"
read -r -a settings <<< "${MDEVGPU_BENCH_JMH:--f 1 -wi 2 -w 1s -i 3 -r 1s}"
jmh=("${settings[@]}" -prof gc -prof io.mdevgpu.bench.prof.WorkerAllocProfiler -rf json -rff "$out/results.json" "$@")

if [[ $# -eq 0 ]]; then doc=${MDEVGPU_BENCH_DOC:-docs/benchmarks.md}; else doc=${MDEVGPU_BENCH_DOC:-$out/benchmarks.md}; fi
mkdir -p "$(dirname "$doc")"

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
# the forks get --enable-native-access from NativeBench's @Fork(jvmArgsAppend); this JVM only drives them
"$java" -cp "$cp" org.openjdk.jmh.Main "${jmh[@]}" | tee "$out/jmh.log"

load_after=$(cut -d' ' -f1-3 /proc/loadavg)
load="load average (1, 5, 15 min) before the run: $load_before; after: $load_after"
cpus=$(nproc)
# a 1-minute load above the CPU count means other work shared the cores with the benchmark
if awk -v a="${load_before%% *}" -v b="${load_after%% *}" -v n="$cpus" 'BEGIN { exit !(a > n || b > n) }'; then
    load="a noisy run: the load average exceeded the $cpus CPUs, so other work shared the cores and the error bars are wide; $load"
fi
note=${MDEVGPU_BENCH_NOTE:+$MDEVGPU_BENCH_NOTE; }$load
# the CLI's start-up against mdevctl (issue 15, goal 1), in the report when it can run here (root, mdevctl installed)
startup=()
if [[ $# -eq 0 && $(id -u) = 0 ]] && command -v mdevctl >/dev/null; then
    mdevgpu-bench/startup.sh | tee "$out/startup.txt" && startup=(--startup "$out/startup.txt")
fi
"$java" -cp "$cp" io.mdevgpu.bench.report.BenchReport "$out/results.json" "$doc" "${startup[@]}" \
    --command "mdevgpu-bench/run.sh${*:+ $*} (JMH: ${jmh[*]})" --note "$note"
echo "report: $doc (JSON: $out/results.json)"
