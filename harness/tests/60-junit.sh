#!/bin/sh
# The guest JUnit suite (harness/junit): one JVM per boot, host-trained AOT cache + C1 only, XML reports
# written into $HARNESS_OUT on the 9p share for the host to summarise.
JU=$HARNESS_SHARE/junit
mkdir -p "$HARNESS_OUT"
exec "$HARNESS_SHARE/jre/bin/java" @"$JU/jvm.args" -XX:AOTMode=auto -XX:AOTCache="$JU/junit.aot" \
  io.mdevgpu.realkernel.GuestSuiteMain "$HARNESS_OUT" $(cat "$JU/select")
