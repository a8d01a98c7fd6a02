/*
 * Prints, in the format of abi/nvidia-rm/, the layouts of the NVIDIA RM structs that the
 * golden tables leave out but mdevgpu uses: the compiler's own sizes and offsets for one release's
 * headers. Built and run by nvrm-supplement.sh, once per release tag.
 */
#include <stdio.h>
#include <stddef.h>
#include "nvtypes.h"
#include "nv-ioctl.h"
#include "ctrl/ctrl0080/ctrl0080gpu.h"
#ifdef HAVE_A081
#include "ctrl/ctrla081.h"
#endif

#define STRUCT(T, header) printf("%s (%s): size=%zu align=%zu\n", #T, header, sizeof(T), _Alignof(T))
#define FIELD(T, f, label, type) \
    printf("   %-28s %-22s off=%5zu size=%5zu\n", label, type, offsetof(T, f), sizeof(((T *) 0)->f))
#define CONTROL(C) printf("%s = 0x%x\n", #C, (unsigned) (C))

int main(void) {
    STRUCT(nv_pci_info_t, "nv-ioctl.h");
    FIELD(nv_pci_info_t, domain, "domain", "NvU32");
    FIELD(nv_pci_info_t, bus, "bus", "NvU8");
    FIELD(nv_pci_info_t, slot, "slot", "NvU8");
    FIELD(nv_pci_info_t, function, "function", "NvU8");
    FIELD(nv_pci_info_t, vendor_id, "vendor_id", "NvU16");
    FIELD(nv_pci_info_t, device_id, "device_id", "NvU16");

    STRUCT(NV0080_CTRL_GPU_GET_VIRTUALIZATION_MODE_PARAMS, "ctrl/ctrl0080/ctrl0080gpu.h");
    FIELD(NV0080_CTRL_GPU_GET_VIRTUALIZATION_MODE_PARAMS, virtualizationMode, "virtualizationMode", "NvU32");
#ifdef HAVE_GRID_BUILD
    FIELD(NV0080_CTRL_GPU_GET_VIRTUALIZATION_MODE_PARAMS, isGridBuild, "isGridBuild", "NvBool");
#endif

#ifdef HAVE_A081
    STRUCT(NVA081_CTRL_VGPU_CONFIG_GET_VGPU_TYPE_INFO_PARAMS, "ctrl/ctrla081.h");
    FIELD(NVA081_CTRL_VGPU_CONFIG_GET_VGPU_TYPE_INFO_PARAMS, vgpuType, "vgpuType", "NvU32");
    FIELD(NVA081_CTRL_VGPU_CONFIG_GET_VGPU_TYPE_INFO_PARAMS, vgpuTypeInfo, "vgpuTypeInfo", "NVA081_CTRL_VGPU_INFO");

    STRUCT(NVA081_CTRL_VGPU_CONFIG_GET_VGPU_TYPES_PARAMS, "ctrl/ctrla081.h");
#ifdef HAVE_GPU_INSTANCE_ID
    FIELD(NVA081_CTRL_VGPU_CONFIG_GET_VGPU_TYPES_PARAMS, gpuInstanceId, "gpuInstanceId", "NvU32");
#endif
    FIELD(NVA081_CTRL_VGPU_CONFIG_GET_VGPU_TYPES_PARAMS, vgpuConfigState, "vgpuConfigState", "NvU32");
    FIELD(NVA081_CTRL_VGPU_CONFIG_GET_VGPU_TYPES_PARAMS, numVgpuTypes, "numVgpuTypes", "NvU32");
    FIELD(NVA081_CTRL_VGPU_CONFIG_GET_VGPU_TYPES_PARAMS, vgpuTypes,
          "vgpuTypes[NVA081_MAX_VGPU_TYPES_PER_PGPU]", "NvU32");
#else
    printf("NVA081_CTRL_VGPU_CONFIG_GET_VGPU_TYPE_INFO_PARAMS: ABSENT\n");
    printf("NVA081_CTRL_VGPU_CONFIG_GET_VGPU_TYPES_PARAMS: ABSENT\n");
#endif

    /* The vGPU heterogeneous mode (nvidia-smi vgpu -shm), on the device object: from 550, gpuInstanceId from 575. */
#ifdef HAVE_HETEROGENEOUS
    CONTROL(NV0080_CTRL_CMD_GPU_GET_VGPU_HETEROGENEOUS_MODE);
    CONTROL(NV0080_CTRL_CMD_GPU_SET_VGPU_HETEROGENEOUS_MODE);
    STRUCT(NV0080_CTRL_GPU_GET_VGPU_HETEROGENEOUS_MODE_PARAMS, "ctrl/ctrl0080/ctrl0080gpu.h");
    FIELD(NV0080_CTRL_GPU_GET_VGPU_HETEROGENEOUS_MODE_PARAMS, bHeterogeneousMode, "bHeterogeneousMode", "NvBool");
#ifdef HAVE_HETEROGENEOUS_GPU_INSTANCE
    FIELD(NV0080_CTRL_GPU_GET_VGPU_HETEROGENEOUS_MODE_PARAMS, gpuInstanceId, "gpuInstanceId", "NvU32");
#endif
    STRUCT(NV0080_CTRL_GPU_SET_VGPU_HETEROGENEOUS_MODE_PARAMS, "ctrl/ctrl0080/ctrl0080gpu.h");
    FIELD(NV0080_CTRL_GPU_SET_VGPU_HETEROGENEOUS_MODE_PARAMS, bHeterogeneousMode, "bHeterogeneousMode", "NvBool");
#ifdef HAVE_HETEROGENEOUS_GPU_INSTANCE
    FIELD(NV0080_CTRL_GPU_SET_VGPU_HETEROGENEOUS_MODE_PARAMS, gpuInstanceId, "gpuInstanceId", "NvU32");
#endif
#else
    printf("NV0080_CTRL_GPU_GET_VGPU_HETEROGENEOUS_MODE_PARAMS: ABSENT\n");
    printf("NV0080_CTRL_GPU_SET_VGPU_HETEROGENEOUS_MODE_PARAMS: ABSENT\n");
#endif
    return 0;
}
