#!/usr/bin/env bash
# Regenerates abi/nvidia-rm/supplement/<release>.txt: the compiler's layout of
# the RM structs that the golden tables abi/nvidia-rm/<release>.txt do not list (nv_pci_info_t, the virtualization-mode
# params, GET_VGPU_TYPE_INFO, the GET_SUPPORTED_VGPU_TYPES params, the vGPU heterogeneous-mode params and the ids of
# their controls), for every release that has a golden table.
#   usage: nvrm-supplement.sh /path/to/a/clone/of/NVIDIA/open-gpu-kernel-modules
set -euo pipefail
repo=${1:?usage: $0 OPEN_GPU_KERNEL_MODULES_CLONE}
here=$(cd "$(dirname "$0")" && pwd)
golden=$(cd "$here/../../../../abi/nvidia-rm" && pwd)
out=$golden/supplement
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$out"
for file in "$golden"/*.txt; do
  tag=$(basename "$file" .txt)
  src=$work/$tag
  mkdir -p "$src"
  git -C "$repo" archive "$tag" src/common/sdk/nvidia/inc kernel-open/common/inc | tar -x -C "$src"
  flags=()
  inc=$src/src/common/sdk/nvidia/inc
  if [ -f "$inc/ctrl/ctrla081.h" ]; then
    flags+=(-DHAVE_A081)
    sed -n '/typedef struct NVA081_CTRL_VGPU_CONFIG_GET_VGPU_TYPES_PARAMS/,/}/p' "$inc/ctrl/ctrla081.h" \
      | grep -q gpuInstanceId && flags+=(-DHAVE_GPU_INSTANCE_ID)
  fi
  sed -n '/typedef struct NV0080_CTRL_GPU_GET_VIRTUALIZATION_MODE_PARAMS/,/}/p' "$inc/ctrl/ctrl0080/ctrl0080gpu.h" \
    | grep -q isGridBuild && flags+=(-DHAVE_GRID_BUILD)
  gpu_h=$inc/ctrl/ctrl0080/ctrl0080gpu.h
  if grep -q 'typedef struct NV0080_CTRL_GPU_GET_VGPU_HETEROGENEOUS_MODE_PARAMS' "$gpu_h"; then
    flags+=(-DHAVE_HETEROGENEOUS)
    sed -n '/typedef struct NV0080_CTRL_GPU_GET_VGPU_HETEROGENEOUS_MODE_PARAMS/,/}/p' "$gpu_h" \
      | grep -q gpuInstanceId && flags+=(-DHAVE_HETEROGENEOUS_GPU_INSTANCE)
  fi
  gcc -std=c11 "${flags[@]}" -I"$src/kernel-open/common/inc" -I"$inc" -o "$work/probe-$tag" "$here/nvrm-supplement.c"
  "$work/probe-$tag" > "$out/$tag.txt"
  echo "$tag: ${flags[*]}"
done
