#!/bin/bash
# mdevgpu real-kernel harness: boots Debian bookworm's own kernel under qemu (TCG; KVM does not work on the
# project's machines; q35 with intel-iommu, QEMU's edu and an SR-IOV NVMe as real PCI functions for vfio-pci)
# with the kernel's sample mdev drivers (mtty, mdpy, mdpy-fb, mbochs) built out of tree,
# a busybox initramfs, and a 9p share (mounted at the same absolute path as on the host) that carries the
# guest tests, a jlink'ed Java 25 runtime, the JUnit platform (console-standalone jar), the library's jars (mdevgpu-api,
# mdevgpu-kernel, slf4j-api), and brings the JUnit XML reports back. See harness/README.md.
#
# usage: harness/harness.sh [deps|fetch|build|run|ci|all|clean]...   (default: ci)
#   ci     deps + fetch + build + run for every kernel in HARNESS_KERNELS; prints one summary line per
#          kernel and exits non-zero when a guest test fails, the VM times out or panics.
#   all    deps + fetch + build + run for KSERIES.
# env:  KSERIES=6.1|6.12         kernel for deps/fetch/build/run (default 6.1)
#       HARNESS_KERNELS="6.1 6.12"  kernels for `ci` (default: both)
#       HARNESS_WORK=dir          cache of debs, builds and the share (default <repo>/.work/harness)
#       HARNESS_TESTS=10-mdev-sysfs,60-junit   guest shell tests to run (default: all of harness/tests)
#       HARNESS_JUNIT_SELECT='MdevLifecycleTest VfioDeviceTest#configSpace'  JUnit classes/methods (default: all)
#       JDK=dir (temurin 25)  VM_MEM=MiB (1536)  VM_TIMEOUT=s (600)
set -euo pipefail
export PATH=$PATH:/usr/sbin:/sbin
H=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$H/.." && pwd)
W=${HARNESS_WORK:-$REPO/.work/harness}
KSERIES=${KSERIES:-6.1}
JDK=${JDK:-/usr/lib/jvm/temurin-25-jdk-amd64}
DEBS=$W/debs
mkdir -p "$W" "$DEBS"
W=$(cd "$W" && pwd)
S=$W/share             # the 9p share: same absolute path inside the guest
JU=$S/junit
log() { echo "[harness $(date +%T)] $*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# The JUnit console launcher's version follows the project's junit.version (JUnit 6: one version for all).
JUNIT_VERSION=${JUNIT_VERSION:-$(sed -n 's#.*<junit.version>\(.*\)</junit.version>.*#\1#p' "$REPO/pom.xml" | head -1)}
# Runtime modules for the guest JVM: the JUnit platform needs java.logging, java.xml (XML reports) and
# jdk.zipfs (without it, it finds no tests in a jar); the leak test reads arena memory through java.management.
JLINK_MODULES=java.base,java.logging,java.xml,jdk.zipfs,java.management
APT_PKGS="qemu-system-x86 busybox-static cpio xz-utils zstd kmod gcc make libc6-dev libelf1 libssl3 mdevctl python3"

series() {
  case $1 in
    6.1)  META=linux-image-amd64;      SRCPKG=linux-source-6.1 ;;
    6.12) META=linux-image-6.12-amd64; SRCPKG=linux-source-6.12 ;;
    *) die "kernel series must be 6.1 or 6.12, not '$1'" ;;
  esac
}

do_deps() {
  local p missing=""
  for p in $APT_PKGS; do
    dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed' || missing="$missing $p"
  done
  [ -x "$JDK/bin/jlink" ] || die "no JDK 25 at $JDK (set JDK=)"
  if [ -n "$missing" ]; then
    [ "$(id -u)" = 0 ] || die "missing packages:$missing (run as root, or install them)"
    log "apt-get install$missing"
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null
  fi
}

resolve_kv() {  # the kernel ABI the meta package points at today, e.g. 6.1.0-42-amd64 (moves with security updates)
  local img
  img=$(apt-cache depends "$META" 2>/dev/null | awk '/Depends: linux-image-/{print $2; exit}')
  [ -n "$img" ] || return 1
  echo "${img#linux-image-}"
}

do_fetch() {
  series "$KSERIES"
  local KV
  KV=$(resolve_kv) || { apt-get update -qq >/dev/null; KV=$(resolve_kv); } || die "cannot resolve $META (apt-get update?)"
  local hdrdeps pkgs p missing=""
  hdrdeps=$(apt-cache depends "linux-headers-$KV" | awk '/Depends: linux-(headers|kbuild)-/{print $2}' | sort -u | tr '\n' ' ')
  echo "linux-headers-$KV $hdrdeps" > "$W/hdrpkgs-$KV"
  pkgs="linux-image-$KV linux-headers-$KV $SRCPKG $hdrdeps"
  for p in $pkgs; do ls "$DEBS/${p}_"*.deb >/dev/null 2>&1 || missing="$missing $p"; done
  if [ -n "$missing" ]; then
    log "kernel $KV: apt-get download$missing"
    # stale package lists point at debs the mirror no longer has: refresh once and retry
    (cd "$DEBS" && apt-get download $missing >/dev/null 2>&1) \
      || { apt-get update -qq >/dev/null; (cd "$DEBS" && apt-get download $missing 2>&1 | grep -v unsandboxed); } \
      || die "apt-get download$missing failed"
  fi
  echo "$KV" > "$W/kv-$KSERIES"
}

build_kernel() {  # $1=KV: vmlinux + the modules we need, and the sample mdev drivers built against Debian's headers
  local KV=$1 K=$W/k/$1 MODDIR=lib/modules/$1
  series "$KSERIES"
  # the module directories to extract; a change of the list re-extracts (nvme needs block/t10-pi and lib/crc64*)
  local mods="drivers/vfio drivers/virtio net/9p fs/9p fs/netfs fs/fscache virt/lib drivers/nvme block lib crypto" d
  if [ ! -f "$K/img/boot/vmlinuz-$KV" ] || [ "$(cat "$K/img/extracted" 2>/dev/null)" != "$mods" ]; then
    log "extracting kernel and vfio/mdev/9p/nvme modules from linux-image-$KV"
    rm -rf "$K/img"; mkdir -p "$K/img"
    dpkg-deb --fsys-tarfile "$DEBS/linux-image-${KV}_"*.deb | tar -x -C "$K/img" --wildcards \
      "./boot/vmlinuz-$KV" "./boot/config-$KV" "./$MODDIR/modules.*" \
      $(for d in $mods; do echo "./$MODDIR/kernel/$d/*"; done) 2>/dev/null || true
    # an uncompressed ELF for qemu's PVH entry: no in-guest decompression (6.5 s -> 2.8 s under TCG)
    python3 "$H/vm/extract-vmlinux.py" "$K/img/boot/vmlinuz-$KV" "$K/img/boot/vmlinux-$KV" || rm -f "$K/img/boot/vmlinux-$KV"
    find "$K/img/$MODDIR" -name '*.ko.xz' -exec xz -d {} +   # 6.12 ships .ko.xz; busybox insmod wants plain .ko
    depmod -b "$K/img" "$KV"
    grep -E '^CONFIG_(VFIO|VFIO_MDEV|VFIO_IOMMU_TYPE1|IOMMUFD|VFIO_DEVICE_CDEV|MODULE_SIG_FORCE)=' \
      "$K/img/boot/config-$KV" | sed 's/^/  config: /' >&2 || true
    echo "$mods" > "$K/img/extracted"
  fi
  if [ ! -f "$K/samples/mbochs.ko" ]; then
    log "building samples/vfio-mdev (mtty mdpy mdpy-fb mbochs) against $KV"
    rm -rf "$K/hdr" "$K/samples"; mkdir -p "$K/hdr" "$K/samples"
    local d
    # unpacked, not installed: installing 6.12's headers would pull a kernel into the host's /boot
    for d in $(cat "$W/hdrpkgs-$KV"); do dpkg-deb -x "$DEBS/${d}_"*.deb "$K/hdr"; done
    # the arch headers' Makefile includes the -common one by absolute /usr/src path: point it at our copy
    sed -i "s#^include /usr/src/#include $K/hdr/usr/src/#" "$K/hdr/usr/src/linux-headers-$KV/Makefile"
    local SRCDIR=${SRCPKG#linux-}
    dpkg-deb --fsys-tarfile "$DEBS/${SRCPKG}_"*.deb | tar -x -O "./usr/src/linux-$SRCDIR.tar.xz" \
      | tar -xJ -C "$K/samples" --strip-components=3 --wildcards "linux-$SRCDIR/samples/vfio-mdev/*"
    echo 'obj-m += mtty.o mdpy.o mdpy-fb.o mbochs.o' > "$K/samples/Kbuild"
    # CONFIG_DEBUG_INFO_BTF_MODULES=: 6.12's headers ship a vmlinux, so kbuild would run pahole (not installed);
    # the modules load fine without BTF
    make -s -j2 -C "$K/hdr/usr/src/linux-headers-$KV" M="$K/samples" CONFIG_DEBUG_INFO_BTF_MODULES= modules 2>&1 | grep -v 'Skipping BTF' >&2 || true
    ls "$K/samples/"{mtty,mdpy,mdpy-fb,mbochs}.ko >/dev/null || die "sample modules did not build"
  fi
}

build_probe() {
  mkdir -p "$W/bin"
  if [ ! -x "$W/bin/vfio-probe" ] || [ "$H/probe/vfio-probe.c" -nt "$W/bin/vfio-probe" ]; then
    log "building static vfio-probe"
    gcc -O2 -Wall -static -o "$W/bin/vfio-probe" "$H/probe/vfio-probe.c" && strip "$W/bin/vfio-probe"
  fi
}

mvnw() { (cd "$REPO" && JAVA_HOME=$JDK ./mvnw -B -q -Dstyle.color=never "$@"); }

# The guest suite runs against these and nothing else: without them it must not run at all.
library_present() { [ -s "$S/lib/mdevgpu-api.jar" ] && [ -s "$S/lib/mdevgpu-kernel.jar" ] && ls "$S/lib/"slf4j-api-*.jar >/dev/null 2>&1; }

# one hash over the names and contents of the files under the given paths (added or deleted files count too)
tree_hash() { find "$@" -type f -print0 2>/dev/null | sort -z | xargs -0 sha1sum | sha1sum | cut -c1-40; }

build_share() {
  mkdir -p "$S" "$JU" "$S/lib" "$S/tests"
  local jre; jre="$JLINK_MODULES $(sha1sum < "$JDK/release" | cut -c1-40)"   # rebuilt for other modules or another JDK
  if [ "$(cat "$S/jre.stamp" 2>/dev/null)" != "$jre" ] || [ ! -x "$S/jre/bin/java" ]; then
    log "jlink $JLINK_MODULES runtime"
    rm -rf "$S/jre" "$JU/junit.aot"
    "$JDK/bin/jlink" --add-modules "$JLINK_MODULES" --strip-debug --no-header-files --no-man-pages \
      --generate-cds-archive --output "$S/jre" >/dev/null
    rm -f "$S/jre/lib/server/classes_nocoops.jsa"   # only used with -XX:-UseCompressedOops
    echo "$jre" > "$S/jre.stamp"
  fi
  local CONSOLE=$JU/junit-platform-console-standalone-$JUNIT_VERSION.jar
  if [ ! -f "$CONSOLE" ]; then
    log "fetching junit-platform-console-standalone $JUNIT_VERSION from Maven Central"
    mvnw dependency:copy -Dartifact="org.junit.platform:junit-platform-console-standalone:$JUNIT_VERSION" \
      -DoutputDirectory="$JU" >/dev/null || die "cannot fetch junit-platform-console-standalone $JUNIT_VERSION"
  fi

  # The library under test: mdevgpu-api and mdevgpu-kernel as the reactor builds them (./mvnw package, tests
  # skipped; never install) with their runtime dependencies (slf4j-api), repackaged when their sources change.
  local libstamp=$W/lib.stamp lib
  lib=$(tree_hash "$REPO"/pom.xml "$REPO"/mdevgpu-{api,kernel}/pom.xml "$REPO"/mdevgpu-{api,kernel}/src/main)
  if [ "$(cat "$libstamp" 2>/dev/null)" != "$lib" ] || ! library_present; then
    log "packaging mdevgpu-api and mdevgpu-kernel for the guest (./mvnw package, tests skipped)"
    rm -f "$libstamp"
    mvnw -pl mdevgpu-kernel -am package dependency:build-classpath -Dmaven.test.skip=true -DincludeScope=runtime \
      -Dmdep.outputFile="$W/cp.txt" >/dev/null || die "the library does not build (./mvnw -pl mdevgpu-kernel -am package)"
    rm -rf "$S/lib"; mkdir -p "$S/lib"
    local m
    for m in api kernel; do cp -p "$REPO/mdevgpu-$m/target/mdevgpu-$m-"*[0-9T].jar "$S/lib/mdevgpu-$m.jar"; done
    tr ':' '\n' < "$W/cp.txt" | grep '\.jar$' | grep -v '/mdevgpu-' | sort -u | while read -r j; do cp -p "$j" "$S/lib/"; done
    library_present || die "the library's jars are missing from $S/lib: $(ls "$S/lib" | tr '\n' ' ')"
    echo "$lib" > "$libstamp"
  fi

  # The guest suite: compiled here against the JUnit platform and the library.
  local TJ=$JU/realkernel-tests.jar suite
  suite=$(tree_hash "$H/junit/src" "$libstamp")
  if [ ! -f "$TJ" ] || [ "$(cat "$W/suite.stamp" 2>/dev/null)" != "$suite" ]; then
    log "compiling the guest JUnit suite"
    local libcp; libcp=$(find "$S/lib" -name '*.jar' | sort | tr '\n' ':')
    rm -rf "$W/tclasses"; mkdir -p "$W/tclasses"
    "$JDK/bin/javac" --release 25 -Xlint:all,-restricted -Werror -d "$W/tclasses" -cp "${libcp}$CONSOLE" \
      $(find "$H/junit/src" -name '*.java') || die "the guest JUnit suite does not compile"
    rm -f "$TJ"; "$JDK/bin/jar" --create --file "$TJ" -C "$W/tclasses" .
    rm -f "$JU/junit.aot"; echo "$suite" > "$W/suite.stamp"
  fi
  # One class path on the JVM's own class path (not the launcher's -cp), so the AOT cache covers the tests
  # and the library too. The same argument file is used for training here and for the run in the guest.
  local cp; cp=$(echo "$CONSOLE" "$TJ" $(find "$S/lib" -name '*.jar' | sort) | tr ' ' ':')
  local jvmargs="-XX:-UsePerfData -XX:+UseSerialGC -XX:TieredStopAtLevel=1 --enable-native-access=ALL-UNNAMED -Dstdout.encoding=UTF-8 -cp $cp"
  if [ "$(cat "$JU/jvm.args" 2>/dev/null)" != "$jvmargs" ]; then echo "$jvmargs" > "$JU/jvm.args"; rm -f "$JU/junit.aot"; fi
  echo "${HARNESS_JUNIT_SELECT:-}" > "$JU/select"
  if [ ! -f "$JU/junit.aot" ]; then
    # JDK 25 AOT cache (JEP 483/514), trained on this host with the same runtime and jar paths as in the guest.
    # On the host the suite fails fast (not inside the harness VM): only the loading and linking is trained.
    log "training the JUnit AOT cache"
    "$S/jre/bin/java" @"$JU/jvm.args" -XX:AOTCacheOutput="$JU/junit.aot" io.mdevgpu.realkernel.GuestSuiteMain --train \
      "$W/training-reports" >/dev/null 2>&1 || true
    [ -f "$JU/junit.aot" ] || log "warning: no AOT cache was written; the guest JVM will start slower"
  fi
  rm -f "$S/tests/"*.sh; cp "$H/tests/"*.sh "$S/tests/"
}

build_initramfs() {  # $1=KV: busybox, modules in dependency order, sample modules, glibc for java/mdevctl, probe, mdevctl
  local KV=$1 K=$W/k/$1 MODDIR=lib/modules/$1
  local IRD=$W/initrd-$KV.cpio.gz ST m f
  ST=$(mktemp -d "$W/stage.XXXX")
  mkdir -p "$ST"/{bin,sbin,proc,sys,dev,tmp,mnt,usr/bin,lib64,lib/x86_64-linux-gnu} \
           "$ST/etc/mdevctl.d/scripts.d/callouts" "$ST/etc/mdevctl.d/scripts.d/notifiers"
  cp /bin/busybox "$ST/bin/busybox"; cp "$H/vm/init" "$ST/init"; chmod +x "$ST/init"
  : > "$ST/modules.list"
  # busybox insmod resolves no dependencies: order them with the host's modprobe
  for m in vfio_iommu_type1 mdev vfio_pci nvme 9pnet_virtio 9p virtio_pci; do
    modprobe -d "$K/img" -S "$KV" --show-depends "$m" 2>/dev/null | awk '$1=="insmod"{print $2}'
  done | awk '!seen[$0]++' | while read -r f; do   # virtio_pci is built in on 6.12, a module on 6.1
    mkdir -p "$ST$(dirname "${f#$K/img}")"; cp "$f" "$ST${f#$K/img}"; echo "${f#$K/img}" >> "$ST/modules.list"
  done
  mkdir -p "$ST/$MODDIR/extra"
  for m in mtty mdpy mdpy-fb mbochs; do cp "$K/samples/$m.ko" "$ST/$MODDIR/extra/"; echo "/$MODDIR/extra/$m.ko" >> "$ST/modules.list"; done
  cp "$W/bin/vfio-probe" "$ST/bin/"
  cp /usr/bin/mdevctl "$ST/usr/bin/"
  cp -L /lib64/ld-linux-x86-64.so.2 "$ST/lib64/"
  for f in libc.so.6 libdl.so.2 libm.so.6 libpthread.so.0 librt.so.1 libgcc_s.so.1 libz.so.1; do
    cp -L "/lib/x86_64-linux-gnu/$f" "$ST/lib/x86_64-linux-gnu/"
  done
  (cd "$ST" && find . -print0 | cpio --null -o -H newc --owner=0:0 --quiet) | gzip -1 > "$IRD.new"
  mv "$IRD.new" "$IRD"; rm -rf "$ST"
}

do_build() {
  local KV; KV=$(cat "$W/kv-$KSERIES" 2>/dev/null) || die "run the fetch step first"
  build_kernel "$KV"
  build_probe
  build_share
  build_initramfs "$KV"
  log "built for $KV: initramfs $(du -h "$W/initrd-$KV.cpio.gz" | cut -f1), share $(du -sh "$S" | cut -f1)"
}

do_run() {
  local KV; KV=$(cat "$W/kv-$KSERIES" 2>/dev/null) || die "run the fetch and build steps first"
  local K=$W/k/$KV OUT=$S/out/$KV; mkdir -p "$W/logs"
  local LOG=$W/logs/vm-$KV.log
  rm -rf "$OUT"; mkdir -p "$OUT"
  local KERNEL=$K/img/boot/vmlinux-$KV; [ -f "$KERNEL" ] || KERNEL=$K/img/boot/vmlinuz-$KV
  log "booting $KV under TCG (serial log: $LOG)"
  local t0=$SECONDS st=0
  # -smp 1: MTTCG with 2 vCPUs on a 2-core host was 2-15x slower. panic=-1 + -no-reboot: a panic ends qemu.
  # q35 for intel-iommu (with interrupt remapping); edu at 00:01.0 and the SR-IOV NVMe PF at 00:02.0 for the
  # real-PCI tests (README: "Real PCI functions"), the 9p share after them.
  timeout "${VM_TIMEOUT:-600}" qemu-system-x86_64 -accel tcg -cpu max -smp 1 -m "${VM_MEM:-1536}" \
    -machine q35,kernel-irqchip=split -device intel-iommu,intremap=on -bios /usr/share/qemu/qboot.rom \
    -nodefaults -no-user-config -nographic -no-reboot -serial stdio \
    -kernel "$KERNEL" -initrd "$W/initrd-$KV.cpio.gz" \
    -append "console=ttyS0 panic=-1 loglevel=4 intel_iommu=on harness.share=$S harness.out=$OUT ${HARNESS_TESTS:+harness.tests=$HARNESS_TESTS}" \
    -device edu,addr=01.0 \
    -device nvme-subsys,id=nvmesubsys,nqn=mdevgpu-harness \
    -device nvme,addr=02.0,serial=mdevgpu0,subsys=nvmesubsys,sriov_max_vfs=2,sriov_vq_flexible=4,sriov_vi_flexible=2 \
    -fsdev "local,id=fs0,path=$S,security_model=none" -device virtio-9p-pci,fsdev=fs0,mount_tag=share \
    < /dev/null 2>&1 | python3 "$H/vm/tsline.py" > "$LOG" || st=$?
  local rc secs=$((SECONDS - t0))
  rc=$(sed -n 's/.*HARNESS: DONE rc=\([0-9]*\).*/\1/p' "$LOG" | tail -1)
  grep -E 'HARNESS|FAIL|KNOWN-ISSUE|vfio-probe:|Kernel panic|BUG:|Oops' "$LOG" | grep -v 'HARNESS: ====' >&2 || true
  local why=""
  grep -q 'Kernel panic' "$LOG" && why="kernel panic"
  [ "$st" = 124 ] && why="timeout after ${VM_TIMEOUT:-600}s"
  [ -z "$why" ] && [ -z "$rc" ] && why="the guest never reported HARNESS: DONE (qemu exit $st)"
  [ -z "$why" ] && [ "$rc" != 0 ] && why="guest tests failed (rc=$rc)"
  local junit=""
  if [ -z "${HARNESS_TESTS:-}" ] || echo ",$HARNESS_TESTS," | grep -q ',60-junit,'; then
    junit=$(python3 "$H/vm/junit-summary.py" "$OUT") || why=${why:-"JUnit: $junit"}
  fi
  if [ -n "$why" ]; then
    echo "----- last 60 lines of $LOG" >&2; tail -60 "$LOG" >&2
  fi
  echo "REAL-KERNEL $KV: ${junit:-JUnit not run}; VM ${secs}s; ${why:-OK}"
  [ -z "$why" ]
}

do_clean() { log "removing $W"; rm -rf "$W"; }

do_ci() {
  do_deps
  local k fail=0
  for k in ${HARNESS_KERNELS:-6.1 6.12}; do
    KSERIES=$k "$0" fetch build run || fail=1   # a child keeps `set -e` in force
  done
  return $fail
}

[ $# -eq 0 ] && set -- ci
for step in "$@"; do
  case $step in
    deps) do_deps ;; fetch) do_fetch ;; build) do_build ;; run) do_run ;; clean) do_clean ;;
    all) do_deps; do_fetch; do_build; do_run ;;
    ci) do_ci ;;
    *) echo "unknown step '$step' (deps fetch build run all ci clean)" >&2; exit 2 ;;
  esac
done
