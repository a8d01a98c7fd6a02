#!/usr/bin/env bash
# Packs `mdevgpu driver` for a GPU machine without Java: a jlinked runtime (about 45 MB, packaging/make-runtime.sh),
# the CLI's jars as the launcher puts them on the module path, the C loop that --bench is compared with (its source,
# compiled there by gcc, and a static build of it for a machine without gcc), the H100 fixture's config space to
# compare with, and device-run.sh, which runs there. From the repository root:
#   ./mvnw -B -q -pl mdevgpu-cli -am package -DskipTests
#   mdevgpu-cli/src/test/sh/device-bundle.sh .device          # .device/ is git-ignored
# then on the machine (the lent one: run(command=".device/device-run.sh all", carry=[".device"])).
set -euo pipefail
dest=${1:?usage: $0 DEST_DIR}
java_home=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../../.." && pwd)
cli=$root/mdevgpu-cli/target
[ -f "$cli/mdevgpu-cli.jar" ] || { echo "$0: build first: ./mvnw -B -q -pl mdevgpu-cli -am package -DskipTests" >&2; exit 1; }

rm -rf "$dest/jre" "$dest/lib"
mkdir -p "$dest/lib"
# java.xml for jackson-databind (--json); the rest of the CLI needs java.base alone. With BENCH=1 the bundle also
# carries the JMH set (device-run.sh jmh): its classes and jars, and the modules JMH and the benchmarks read.
modules=java.base,java.logging,java.xml
[ "${BENCH:-0}" = 1 ] && modules=$modules,java.management,jdk.management,jdk.unsupported
# the runtime as packaging/make-runtime.sh makes one: the CLI's lambda forms in its classlist (device-run.sh startup
# trains the caches on it there)
JAVA_HOME=$java_home MDEVGPU_MODULE_PATH="$cli/mdevgpu-cli.jar:$cli/lib" \
  "$root/packaging/make-runtime.sh" "$dest/jre" --add-modules "$modules" --strip-debug --compress zip-9
rm -rf "$dest/bench"
if [ "${BENCH:-0}" = 1 ]; then
  bench=$root/mdevgpu-bench/target
  [ -d "$bench/lib" ] || { echo "$0: build the benchmarks first: ./mvnw -B -q -pl mdevgpu-bench -am package -DskipTests" >&2; exit 1; }
  mkdir -p "$dest/bench"
  cp -r "$bench/classes" "$bench/lib" "$dest/bench/"
fi
cp "$cli/mdevgpu-cli.jar" "$cli"/lib/*.jar "$dest/lib/"
cp "$root/mdevgpu-cli/src/test/c/rm_control_loop.c" "$here/device-run.sh" "$dest/"
gcc -O2 -std=c11 -Wall -Wextra -Werror -static -o "$dest/rm_control_loop.static" "$dest/rm_control_loop.c"
cp "$root/fixtures/h100-sxm5-80g/config" "$dest/fixture-h100-config"
cp "$root/samples/config/open-vampere.toml" "$dest/"
cp "$root/packaging/bin/mdevgpu" "$dest/mdevgpu-launcher"   # device-run.sh startup: the installed launcher
chmod +x "$dest/device-run.sh"
# the bench needs no jar the CLI's lib/ has already (the run's class path names both): 64 MiB travel in all
if [ -d "$dest/bench/lib" ]; then
  for j in "$dest"/lib/*.jar; do rm -f "$dest/bench/lib/$(basename "$j")"; done
fi
du -sh "$dest"
