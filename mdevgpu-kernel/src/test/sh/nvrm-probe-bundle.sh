#!/usr/bin/env bash
# Packs RealDriverProbe for a GPU machine without Java: a jlinked runtime (about 43 MB), the compiled classes and
# slf4j, plus probe.sh to run there. From the repository root, after ./mvnw -pl mdevgpu-kernel -am test-compile:
#   mdevgpu-kernel/src/test/sh/nvrm-probe-bundle.sh .device      # .device/ is git-ignored
# then on the machine (the lent one: run(command=".device/probe.sh", carry=[".device"])): .device/probe.sh
set -euo pipefail
dest=${1:?usage: $0 DEST_DIR}
java_home=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
m2=${M2_REPO:-$HOME/.m2/repository}
slf4j=2.0.20
rm -rf "$dest/jre" "$dest/app"
mkdir -p "$dest/app"
"$java_home/bin/jlink" --add-modules java.base,java.management,jdk.management --strip-debug --no-man-pages \
  --no-header-files --compress zip-9 --output "$dest/jre"
cp -r mdevgpu-kernel/target/classes "$dest/app/kernel"
cp -r mdevgpu-api/target/classes "$dest/app/api"
rm -f "$dest/app/kernel/module-info.class" "$dest/app/api/module-info.class"
mkdir -p "$dest/app/probe"
cp -r mdevgpu-kernel/target/test-classes/io "$dest/app/probe/"
cp "$m2/org/slf4j/slf4j-api/$slf4j/slf4j-api-$slf4j.jar" "$m2/org/slf4j/slf4j-simple/$slf4j/slf4j-simple-$slf4j.jar" "$dest/app/"
cat > "$dest/probe.sh" <<PROBE
#!/bin/sh
# Runs RealDriverProbe with the carried runtime; read-only on the driver (see its javadoc).
cd "\$(dirname "\$0")"
echo "== host"; uname -r; cat /proc/driver/nvidia/version; ls -l /dev/nvidia* 2>&1 | head; nvidia-smi -L 2>&1 | head -3
echo "== probe"
jre/bin/java --enable-native-access=ALL-UNNAMED -Dorg.slf4j.simpleLogger.defaultLogLevel=info \\
  -Dorg.slf4j.simpleLogger.log.io.mdevgpu.kernel.nvrm.RmClient=debug \\
  -cp app/kernel:app/api:app/probe:app/slf4j-api-$slf4j.jar:app/slf4j-simple-$slf4j.jar io.mdevgpu.kernel.nvrm.RealDriverProbe
echo "exit \$?"
PROBE
chmod +x "$dest/probe.sh"
du -sh "$dest"
