#!/bin/sh
# The guest JUnit suite (harness/junit): one JVM per boot, host-trained AOT cache + C1 only, XML reports
# written into $HARNESS_OUT on the 9p share for the host to summarise.
JU=$HARNESS_SHARE/junit
mkdir -p "$HARNESS_OUT"
for jar in mdevgpu-api.jar mdevgpu-kernel.jar; do   # the library under test: without it there is nothing to test
  [ -s "$HARNESS_SHARE/lib/$jar" ] || { echo "FAIL: the library is missing: $HARNESS_SHARE/lib/$jar"; exit 1; }
done
exec "$HARNESS_SHARE/jre/bin/java" @"$JU/jvm.args" -XX:AOTMode=auto -XX:AOTCache="$JU/junit.aot" \
  io.mdevgpu.realkernel.GuestSuiteMain "$HARNESS_OUT" $(cat "$JU/select")
