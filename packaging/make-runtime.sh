#!/bin/sh
# Makes the Java runtime the CLI runs on (packaging/README.md; the repo launcher makes its own in
# mdevgpu-cli/target/runtime):
# a jlink image of the modules the CLI needs (java.base, java.xml: jdeps --print-module-deps), whose lib/classlist also
# names the lambda forms the CLI resolves. The JVM makes its method-handle holder classes from that list when it trains
# a start-up cache on this runtime; a form the holders lack is spun into a class at every start instead (the first
# memory-segment access and each downcall's adapters: some 10-20 ms of a command that calls the driver).
#   packaging/make-runtime.sh DIR [jlink option...]     e.g. --strip-debug --compress zip-9, --add-modules MORE
# Needs JAVA_HOME (a JDK 25 with jlink) and the CLI's jars: MDEVGPU_MODULE_PATH, or /usr/local/lib/mdevgpu/modules.
# The forms come from a training run on a throw-away simulated host (the installed launcher's MDEVGPU_FORMS_OUTPUT).
set -eu
out=${1:?usage: make-runtime.sh DIR [jlink option...]}
shift
here=$(cd "$(dirname "$0")" && pwd)
jdk=${JAVA_HOME:?make-runtime.sh: needs JAVA_HOME, a JDK 25 with jlink}
[ -x "$jdk/bin/jlink" ] ||
  { echo "make-runtime.sh: $jdk has no bin/jlink (a JRE?): set JAVA_HOME to a JDK 25" >&2; exit 1; }

rm -rf "$out"
"$jdk/bin/jlink" --add-modules java.base,java.xml --no-header-files --no-man-pages "$@" --output "$out"
forms=$(mktemp "${TMPDIR:-/tmp}/mdevgpu-forms.XXXXXX")
trap 'rm -f "$forms"' EXIT
if ! MDEVGPU_LOG=warn MDEVGPU_JAVA="$out/bin/java" MDEVGPU_FORMS_OUTPUT="$forms" "$here/bin/mdevgpu" "$here/.."; then
  echo "make-runtime.sh: the training that lists the CLI's lambda forms failed (run it: MDEVGPU_JAVA=$out/bin/java" \
    "MDEVGPU_FORMS_OUTPUT=/tmp/forms $here/bin/mdevgpu $here/..); $out is left without them" >&2
  exit 1
fi
[ -s "$forms" ] ||
  { echo "make-runtime.sh: the training resolved no lambda form: is $out/bin/java a JDK 25?" >&2; exit 1; }
cat "$forms" >> "$out/lib/classlist"
