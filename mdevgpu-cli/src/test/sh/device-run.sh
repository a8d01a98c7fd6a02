#!/bin/sh
# Runs on the lent GPU machine from the bundle device-bundle.sh made, and records what it did in $OUT (the device
# tool's folder; /tmp/mdevgpu-device elsewhere):
#   session.txt                 every command, as an operator would type it, with its whole output and exit status
#   driver-1.json, driver-2.json  `mdevgpu driver --json`, run twice (the second must say the same)
#   trace-probe.log, trace-register-check.log  each RM call and its status (the nvrm logger at TRACE)
#   sysfs-config                the GPU's config space as root reads it
#   register-check.json         `mdevgpu driver --register-check --json` (with its trace beside it)
# Modes: probe (read-only: handshake, GPUs, sysfs, both benches, twice), register-check (the registration path,
# which must stop before sending anything on a GPU that is not a vGPU host), all (both, register-check last),
# sriov (sriov.txt: what `gpus -v` says of the GPU's vGPU backend, beside the PCI function's SR-IOV files and its
# extended capabilities as sysfs shows them, and the vGPU heterogeneous mode read through the library's RM client:
# GET_VGPU_HETEROGENEOUS_MODE only, never a SET, its NV status traced in trace-sriov.log; issue 14),
# jmh (jmh.txt and jmh.json: the JMH set on this machine, from the bench bundle), bench (bench.txt: ROUNDS rounds of the C loop and the library under three JIT settings, --json),
# startup (startup.txt: the CLI's start-up through the installed launcher, without a cache and with the two caches
# trained here, beside nvidia-smi's; and one `gpus` with the JVM's class initialisations between its RM calls), workflow
# (workflow.txt: gpus, plan, apply with the RM calls traced, types, list, as an operator runs them).
# Never resets the GPU, never changes its settings; nothing here registers a vGPU type.
set -u
mode=${1:-probe}
b=$(cd "$(dirname "$0")" && pwd)
out=${OUT:-/tmp/mdevgpu-device}
mkdir -p "$out"
# the lent GPU's address changes from one machine to the next: the driver's own list names it
gpu=${GPU:-$(ls /proc/driver/nvidia/gpus 2>/dev/null | head -n 1)}
[ -n "$gpu" ] || { echo "device-run.sh: no GPU in /proc/driver/nvidia/gpus (is the driver loaded?)" >&2; exit 1; }
calls=${CALLS:-200000}
session=$out/session.txt

# the launcher's JVM flags (./mdevgpu), on the carried runtime; EXTRA adds more (a logger at TRACE, full JIT)
launcher="--enable-native-access=io.mdevgpu.kernel -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xshare:auto"
EXTRA=${EXTRA:-}
mdevgpu() {
  # shellcheck disable=SC2086
  "$b/jre/bin/java" $launcher -Dmdevgpu.log=info $EXTRA \
    -p "$b/lib" --add-modules ALL-MODULE-PATH -m io.mdevgpu.cli/io.mdevgpu.cli.Main "$@"
}
step() {
  printf '\n$ %s\n' "$*"
  "$@" 2>&1
  printf '[exit %d]\n' $?
}
holders() {
  # processes holding an NVIDIA device node open (the driver keeps no client count in /proc)
  for p in /proc/[0-9]*; do
    if ls -l "$p/fd" 2>/dev/null | grep -q '/dev/nvidia'; then echo "${p#/proc/} $(cat "$p/comm" 2>/dev/null)"; fi
  done
  echo "(end of list)"
}
c_loop() {
  if command -v gcc >/dev/null 2>&1; then
    gcc -O2 -std=c11 -Wall -Wextra -o /tmp/rm_control_loop "$b/rm_control_loop.c" && /tmp/rm_control_loop "$@"
  else
    echo "gcc is not installed here: running the static build made with gcc -O2 -static beside the repository"
    "$b/rm_control_loop.static" "$@"
  fi
}

probe() {
  echo "== host"
  step date -u '+%Y-%m-%d %H:%M:%S UTC'
  step uname -srm
  step cat /proc/driver/nvidia/version
  step ls /proc/driver/nvidia "/proc/driver/nvidia/gpus/$gpu"
  step cat "/proc/driver/nvidia/gpus/$gpu/information"
  step ls -l /dev/nvidiactl /dev/nvidia0
  step nvidia-smi --query-gpu=name,pci.bus_id,driver_version,vbios_version,memory.total,virtualization_mode --format=csv
  step sh -c "nvidia-smi -q | grep -A2 -i 'virtualization'"
  step sh -c 'command -v gcc && gcc --version | head -1'
  echo; echo "== sysfs"
  for f in vendor device class subsystem_vendor subsystem_device revision irq numa_node resource; do
    step cat "/sys/bus/pci/devices/$gpu/$f"
  done
  step readlink "/sys/bus/pci/devices/$gpu/driver"
  cp "/sys/bus/pci/devices/$gpu/config" "$out/sysfs-config"
  step cmp "$out/sysfs-config" "$b/fixture-h100-config"
  step sh -c "command -v lspci >/dev/null && lspci -nn -vv -s ${gpu#0000:} | grep -E 'Capabilities|Region|Kernel driver' || echo 'no lspci'"
  echo; echo "== device nodes held before"
  step holders
  echo; echo "== mdevgpu driver, first run"
  step mdevgpu driver
  printf '\n$ mdevgpu driver --json > driver-1.json\n'
  mdevgpu driver --json > "$out/driver-1.json" 2>&1
  printf '[exit %d]\n' $?
  cat "$out/driver-1.json"
  echo; echo "== RM control round trips, library and C"
  step c_loop "$calls"
  step mdevgpu driver --bench "$calls"
  echo "(the same with the C2 JIT alone, -XX:-TieredCompilation, instead of the launcher's C1-only start-up setting:)"
  EXTRA="-XX:-TieredCompilation"
  step mdevgpu driver --bench "$calls"
  EXTRA=""
  step c_loop "$calls"
  echo; echo "== second run: the same answers, nothing left behind"
  printf '\n$ mdevgpu driver --json > driver-2.json\n'
  mdevgpu driver --json > "$out/driver-2.json" 2>&1
  printf '[exit %d]\n' $?
  step diff "$out/driver-1.json" "$out/driver-2.json"
  EXTRA="-Dmdevgpu.log.io.mdevgpu.kernel.nvrm=trace"
  mdevgpu driver > /dev/null 2> "$out/trace-probe.log"
  EXTRA=""
  echo "(trace of a third run: $(grep -c 'NV_ESC_RM' "$out/trace-probe.log") RM calls logged, in trace-probe.log)"
  echo; echo "== device nodes held after"
  step holders
}

register_check() {
  echo; echo "== the registration path on a GPU that is not a vGPU host"
  step mdevgpu driver --register-check
  EXTRA="-Dmdevgpu.log.io.mdevgpu.kernel.nvrm=trace"
  mdevgpu driver --register-check --json > "$out/register-check.json" 2> "$out/trace-register-check.log"
  echo "(again with the nvrm logger at TRACE and --json, exit $?: register-check.json, trace-register-check.log;"
  echo " the RM calls sent, counted:)"
  EXTRA=""
  grep -o 'NV_ESC_RM_[A-Z]* [A-Za-z0-9_]*' "$out/trace-register-check.log" | sort | uniq -c
  step holders
}

startup() {
  # medians of RUNS whole-process runs through the installed launcher (packaging/bin/mdevgpu, in the bundle) over the
  # carried runtime and jars; the caches are trained here, on a throw-away simulated host with the sample configuration
  runs=${RUNS:-21}
  export MDEVGPU_JAVA="$b/jre/bin/java" MDEVGPU_MODULE_PATH="$b/lib"
  caches=$(mktemp -d) && mkdir -p "$caches/root/samples/config" && cp "$b/open-vampere.toml" "$caches/root/samples/config/"
  launch() { sh "$b/mdevgpu-launcher" "$@"; }
  median() {
    : > "$caches/times"
    for _ in $(seq "$runs"); do
      t0=$(date +%s%N); "$@" >/dev/null 2>&1; t1=$(date +%s%N); echo $(( (t1 - t0) / 1000000 )) >> "$caches/times"
    done
    sort -n "$caches/times" | sed -n "$(( (runs + 1) / 2 ))p"
  }
  echo "== CLI start-up, $runs runs each, $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)"
  step sh -c "nvidia-smi -q | grep -m1 -i 'persistence mode'"
  # (exported and unset around each use: an assignment before a shell function's name may outlive the call)
  export MDEVGPU_AOT_OUTPUT="$caches/mdevgpu.aot" MDEVGPU_LOG=warn; step launch "$caches/root"
  unset MDEVGPU_AOT_OUTPUT MDEVGPU_LOG
  step ls -l "$caches"
  echo "nvidia-smi -L: $(median nvidia-smi -L) ms"
  for verb in list types gpus --help; do
    export MDEVGPU_AOT_CACHE=/nonexistent; none=$(median launch $verb)
    export MDEVGPU_AOT_CACHE="$caches/mdevgpu.aot"; with=$(median launch $verb)
    echo "mdevgpu $verb: no cache $none ms, with the caches $with ms"
  done
  echo; echo "== one gpus: the JVM's class initialisations (with a gap of 3 ms or more before them, or of FFM and"
  echo "   method handles) between the RM calls, in seconds since the JVM started"
  JDK_JAVA_OPTIONS="-Xlog:class+init=info:stderr:uptime" MDEVGPU_LOG=info,io.mdevgpu.kernel.nvrm=trace \
    sh "$b/mdevgpu-launcher" gpus 2>&1 >/dev/null | awk '
      /^\[[0-9.]+s\]/ { t = substr($1, 2) + 0; if (t - last >= 0.003 || /io\/mdevgpu|foreign|LambdaForm/) print t, $4; last = t; next }
      { print "  " last ": " $0 }' | cut -c1-160
  echo; echo "== classes one gpus makes at run time (none comes from the cache), and the lambda forms it resolves that"
  echo "   the runtime's holder classes lack (each one such class)"
  JDK_JAVA_OPTIONS="-Xlog:class+load=info:file=$caches/load.log -Djava.lang.invoke.MethodHandle.TRACE_RESOLVE=true" \
    sh "$b/mdevgpu-launcher" gpus > "$caches/resolve.log" 2>/dev/null || true
  echo "$(grep -c __JVM_LookupDefineClass__ "$caches/load.log") made at run time:"
  grep __JVM_LookupDefineClass__ "$caches/load.log" | sed 's/^\[[^]]*\]\[[^]]*\]\[[^]]*\] */  /' | cut -c1-120
  echo "$(grep -c '(fail)$' "$caches/resolve.log") forms not in the holders:"
  grep '(fail)$' "$caches/resolve.log" | sed 's/^/  /'
  unset MDEVGPU_AOT_CACHE MDEVGPU_JAVA MDEVGPU_MODULE_PATH
  rm -rf "$caches"
}

workflow() {
  # the operator's verbs on the real host: discover, plan, apply (refused on a GPU that is no vGPU host), and what is
  # left; plan reads the virtualization mode through the RM API and says what apply will meet
  echo "== workflow"
  step date -u '+%Y-%m-%d %H:%M:%S UTC'
  step holders
  step mdevgpu gpus
  step mdevgpu plan -c "$b/open-vampere.toml"
  step mdevgpu plan -c "$b/open-vampere.toml" --json
  EXTRA="-Dmdevgpu.log.io.mdevgpu.kernel.nvrm=trace" step mdevgpu apply -c "$b/open-vampere.toml"
  EXTRA=""
  step ls -l /run/lock/mdevgpu-apply.lock
  step mdevgpu types
  step mdevgpu list
  step holders
}

bench() {
  # ROUNDS rounds, each: the C loop, then the library under the launcher's C1-only JIT, the JVM's default tiered
  # JIT and C2 alone, so that drift of the machine (clock, neighbours) falls on every contender alike
  echo "== RM control round trips, $calls calls per pass, ${ROUNDS:-3} rounds"
  step sh -c 'nproc; grep -m1 "model name" /proc/cpuinfo; cat /sys/devices/system/cpu/cpu0/cpufreq/scaling_governor 2>/dev/null || echo "no cpufreq governor"'
  r=1
  while [ "$r" -le "${ROUNDS:-3}" ]; do
    echo; echo "-- round $r"
    step c_loop "$calls"
    for jit in launcher-C1 tiered C2; do
      case $jit in
        launcher-C1) EXTRA="" ;;
        tiered) EXTRA="-XX:TieredStopAtLevel=4" ;;
        C2) EXTRA="-XX:-TieredCompilation" ;;
      esac
      echo "(JIT: $jit)"
      step mdevgpu driver --bench "$calls" --json
      EXTRA=""
    done
    r=$((r + 1))
  done
}

heterogeneous_mode() {
  # nvidia-smi's view, then the library's RM GET_VGPU_HETEROGENEOUS_MODE with its NV status; a read only, never a SET
  step sh -c "nvidia-smi -q | grep -i -E 'virtualization mode|heterogeneous' || echo 'nvidia-smi shows no heterogeneous mode'"
  step mdevgpu driver --heterogeneous-mode
  printf '\n$ mdevgpu driver --heterogeneous-mode --json | heterogeneous mode\n'
  mdevgpu driver --heterogeneous-mode --json 2>&1 | grep -A4 '"vgpu_heterogeneous_mode"'
  EXTRA="-Dmdevgpu.log.io.mdevgpu.kernel.nvrm=trace"
  mdevgpu driver --heterogeneous-mode > /dev/null 2> "$out/trace-sriov.log"
  EXTRA=""
  echo "(the heterogeneous-mode calls traced: $(grep -c 'HETEROGENEOUS' "$out/trace-sriov.log"), none of them a SET: \
$(grep -c 'SET_VGPU_HETEROGENEOUS' "$out/trace-sriov.log") SET)"
  grep 'HETEROGENEOUS' "$out/trace-sriov.log"
}

sriov() {
  # read-only: is there an SR-IOV capability the kernel exposes, and what does mdevgpu make of the GPU?
  echo "== SR-IOV and the vGPU backend of $gpu"
  step date -u '+%Y-%m-%d %H:%M:%S UTC'
  step uname -srm
  step cat /proc/driver/nvidia/version
  step nvidia-smi --query-gpu=name,pci.bus_id,driver_version,virtualization_mode --format=csv
  step sh -c "ls /sys/bus/pci/devices/$gpu/ | grep -E '^sriov|^virtfn|^physfn|^nvidia$' || echo 'no sriov_*, virtfn*, physfn or nvidia/ in sysfs'"
  step sh -c "command -v lspci >/dev/null && lspci -nn -vvv -s ${gpu#0000:} | grep -E 'Capabilities|SR-IOV|Kernel driver' || echo 'no lspci'"
  # the extended capability headers at the offsets the issue names (0x100, 0x134, 0x248, 0x250): zero when hidden
  step sh -c "for o in 256 308 584 592; do printf '0x%03x: ' \$o; od -An -tx4 -j \$o -N4 /sys/bus/pci/devices/$gpu/config; done"
  step mdevgpu gpus
  step mdevgpu gpus -v
  step mdevgpu --json gpus
  step mdevgpu list
  heterogeneous_mode
  step holders
}

jmh() {
  # the JMH set, as mdevgpu-bench/run.sh runs it, on the carried runtime: forks inherit native access from NativeBench
  echo "== JMH on $(nproc) CPUs: $(grep -m1 'model name' /proc/cpuinfo)"
  step date -u '+%Y-%m-%d %H:%M:%S UTC'
  # shellcheck disable=SC2086
  "$b/jre/bin/java" -cp "$b/bench/classes:$b/bench/lib/*:$b/lib/*" \
    org.openjdk.jmh.Main -jvm "$b/jre/bin/java" ${MDEVGPU_BENCH_JMH:--f 1 -wi 2 -w 1s -i 3 -r 1s} -prof gc \
    -rf json -rff "$out/jmh.json" ${JMH_FILTER:-} 2>&1
  printf '[exit %d]\n' $?
}

case $mode in
  sriov) session=$out/sriov.txt; sriov > "$session" 2>&1 ;;
  jmh) session=$out/jmh.txt; jmh > "$session" 2>&1 ;;
  probe) probe > "$session" 2>&1 ;;
  register-check) register_check > "$session" 2>&1 ;;
  all) { probe; register_check; } > "$session" 2>&1 ;;
  workflow) session=$out/workflow.txt; workflow > "$session" 2>&1 ;;
  startup) session=$out/startup.txt; startup > "$session" 2>&1 ;;
  bench) bench > "$out/bench.txt" 2>&1; session=$out/bench.txt ;;
  *) echo "usage: $0 probe|register-check|all|bench|workflow|startup|sriov|jmh" >&2; exit 2 ;;
esac
cat "$session"
