#!/usr/bin/env bash
# CLI start-up against Debian's mdevctl on the same tree (issue 15, goal 1; docs/benchmarks.md "CLI start-up").
# Makes a kept simulated host (open-vampere applied, INSTANCES instances), then times RUNS whole-process runs of each
# verb through the repo launcher (./mdevgpu) and the installed one (packaging/bin/mdevgpu over the same jars, runtime
# image and AOT caches, as packaging/README.md installs them), and of `mdevctl list` reading the same tree through a
# private mount namespace (harness/fake/mdevctl-fake.sh, as the interop tests run it). Prints medians and the ratio to
# mdevctl.
#   mdevgpu-bench/startup.sh            RUNS=21 INSTANCES=4 by default; needs root (mount namespace) and mdevctl
set -euo pipefail
root=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
cd "$root"
runs=${RUNS:-21}
instances=${INSTANCES:-4}
command -v mdevctl >/dev/null || { echo "startup.sh: needs mdevctl (apt-get install mdevctl)" >&2; exit 2; }

./mdevgpu --version >/dev/null          # builds and trains the start-up cache when needed
dir=$(mktemp -d /tmp/mdevgpu-startup.XXXXXX)
trap 'rm -rf "$dir"' EXIT
./mdevgpu --host "sim@$dir" apply -c samples/config/open-vampere.toml >/dev/null 2>&1
gpu=$(./mdevgpu --host "sim@$dir" --json gpus 2>/dev/null | grep -o '"address" *: *"[^"]*"' | head -1 | sed 's/.*"\([^"]*\)"$/\1/')
for _ in $(seq "$instances"); do ./mdevgpu --host "sim@$dir" create nvidia-532 --parent "$gpu" >/dev/null 2>&1; done

target=$root/mdevgpu-cli/target
installed() { MDEVGPU_JAVA=$target/runtime/bin/java \
  MDEVGPU_MODULE_PATH="$target/mdevgpu-cli.jar:$target/lib" MDEVGPU_AOT_CACHE="$target/mdevgpu.aot" \
  "$root/packaging/bin/mdevgpu" "$@"; }
repo() { "$root/mdevgpu" "$@"; }
mdevctl_list() { bash "$root/harness/fake/mdevctl-fake.sh" "$dir" list; }

# median wall time in ms of $runs runs of "$@" (output discarded; a failing run stops the script)
median_ms() {
  local times=()
  for _ in $(seq "$runs"); do
    local t0 t1; t0=$(date +%s%N); "$@" >/dev/null 2>&1; t1=$(date +%s%N)
    times+=($(( (t1 - t0) / 1000000 )))
  done
  printf '%s\n' "${times[@]}" | sort -n | sed -n "$(( (runs + 1) / 2 ))p"
}

base=$(median_ms mdevctl_list)
printf 'machine: %s, %s cores, load %s; %s runs each, %s instances\n' "$(uname -r)" "$(nproc)" \
  "$(cut -d' ' -f1-3 /proc/loadavg)" "$runs" "$instances"
printf '%-34s %8s %8s %s\n' "command" "median" "x mdevctl" "goal <= 5x"
printf '%-34s %6s ms %8s\n' "mdevctl list (mount namespace)" "$base" "1.0"
for launcher in repo installed; do
  for verb in list types gpus --help; do
    args=(--host "sim@$dir" "$verb"); [ "$verb" = --help ] && args=(--help)
    ms=$(median_ms "$launcher" "${args[@]}")
    ratio=$(awk -v a="$ms" -v b="$base" 'BEGIN { printf "%.1f", a / b }')
    met=$(awk -v r="$ratio" 'BEGIN { print (r <= 5.0) ? "met" : "NOT met" }')
    printf '%-34s %6s ms %8s %s\n' "$launcher: mdevgpu $verb" "$ms" "$ratio" "$met"
  done
done
