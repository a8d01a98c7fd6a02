package io.mdevgpu.sim;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;

import io.mdevgpu.PciId;
import io.mdevgpu.kernel.abi.nvrm.NvClass;
import io.mdevgpu.kernel.abi.nvrm.NvControl;
import io.mdevgpu.kernel.abi.nvrm.NvStatus;
import io.mdevgpu.sim.NvidiaRmObjects.Client;
import io.mdevgpu.sim.NvidiaRmObjects.Obj;

/**
 * The simulated NVIDIA driver's {@code NV_ESC_RM_CONTROL} commands: the checks on the target object's class and the
 * params' size in this release, the GPU controls (probed ids, PCI info, attach and detach, id info, virtualization
 * mode, bus PCI info; the heterogeneous vGPU mode handed to {@link DriverHeterogeneousMode}), the vGPU config controls handed to {@link NvidiaVgpuConfig}, and the record of the commands
 * received. Guarded by the simulated kernel's lock.
 */
final class NvidiaControls {
    private int[] controls = new int[64];
    private int controlCount;
    private final SimNvidiaDriver d;

    NvidiaControls(SimNvidiaDriver driver) {
        this.d = driver;
    }

    /** Keeps the last controls: a long-lived host drops the older half when {@link Faults#DEFAULT_RECORDING} are held. */
    void record(int cmd) {
        if (controlCount == Faults.DEFAULT_RECORDING) {
            System.arraycopy(controls, controlCount / 2, controls, 0, controlCount - controlCount / 2);
            controlCount -= controlCount / 2;
        }
        if (controlCount == controls.length) controls = java.util.Arrays.copyOf(controls, Math.min(controlCount * 2, Faults.DEFAULT_RECORDING));
        controls[controlCount++] = cmd;
    }

    /** The control commands received, oldest first. */
    List<Integer> received() {
        List<Integer> out = new ArrayList<>(controlCount);
        for (int i = 0; i < controlCount; i++) out.add(controls[i]);
        return List.copyOf(out);
    }

    /** How many controls {@code cmd} were received. */
    int received(int cmd) {
        int n = 0;
        for (int i = 0; i < controlCount; i++) if (controls[i] == cmd) n++;
        return n;
    }

    int control(int fd, MemorySegment c) {
        DriverStructs s = d.structs();
        int cmd = (int) s.controlCmd.get(c, 0);
        Client client = d.objects.clients.get((int) s.controlClient.get(c, 0));
        if (client == null) return NvStatus.NV_ERR_INVALID_CLIENT;
        Obj target = client.objects.get((int) s.controlObject.get(c, 0));
        if (target == null) return NvStatus.NV_ERR_INVALID_OBJECT_HANDLE;
        OptionalLong expected = d.abi.controlParamsSize(cmd);
        if (expected.isEmpty() || classOf(cmd) != target.hClass()) return NvStatus.NV_ERR_NOT_SUPPORTED;
        long size = s.controlParamsSize.get(c, 0);
        boolean none = DriverStructs.isNull(s.controlParams, c);
        if (expected.getAsLong() == 0 && (size != 0 || !none)) return NvStatus.NV_ERR_INVALID_PARAM_STRUCT;
        if (size != expected.getAsLong() || expected.getAsLong() > 0 && none) return NvStatus.NV_ERR_INVALID_ARGUMENT;
        MemorySegment p = size == 0 ? MemorySegment.NULL : DriverStructs.pointee(s.controlParams, c, size);
        return switch (cmd) {
            case NvControl.NV0000_CTRL_CMD_GPU_GET_PROBED_IDS -> {
                p.fill((byte) 0);
                for (int i = 0; i < s.probedIds.count(); i++) {
                    s.probedIds.put(p, 0, i, i < d.gpus.size() ? d.gpus.get(i).gpuId() : NvControl.NV0000_CTRL_GPU_INVALID_ID);
                    s.probedExcluded.put(p, 0, i, NvControl.NV0000_CTRL_GPU_INVALID_ID);
                }
                yield NvStatus.NV_OK;
            }
            case NvControl.NV0000_CTRL_CMD_GPU_GET_PCI_INFO -> {
                SimNvidiaGpu g = d.gpu((int) s.pciInfoGpuId.get(p, 0));
                if (g == null) yield NvStatus.NV_ERR_INVALID_ARGUMENT;
                s.pciInfoDomain.put(p, 0, g.address().domain());
                s.pciInfoBus.put(p, 0, g.address().bus());
                s.pciInfoSlot.put(p, 0, g.address().slot());
                yield NvStatus.NV_OK;
            }
            case NvControl.NV0000_CTRL_CMD_GPU_ATTACH_IDS -> {
                List<Integer> ids = new ArrayList<>();
                for (int i = 0; i < s.attachIds.count(); i++) {
                    int id = (int) s.attachIds.get(p, 0, i);
                    if (id == NvControl.NV0000_CTRL_GPU_INVALID_ID) break;
                    if (d.gpu(id) == null) {
                        s.attachFailed.put(p, 0, id);
                        yield NvStatus.NV_ERR_INVALID_ARGUMENT;
                    }
                    ids.add(id);
                }
                d.attachedBy.computeIfAbsent(fd, k -> new HashSet<>()).addAll(ids);
                yield NvStatus.NV_OK;
            }
            case NvControl.NV0000_CTRL_CMD_GPU_DETACH_IDS -> {
                Set<Integer> attached = d.attachedBy.getOrDefault(fd, new HashSet<>());
                for (int i = 0; i < s.detachIds.count(); i++) {
                    int id = (int) s.detachIds.get(p, 0, i);
                    if (id == NvControl.NV0000_CTRL_GPU_INVALID_ID) break;
                    attached.remove(id);
                }
                if (attached.isEmpty()) d.attachedBy.remove(fd);
                yield NvStatus.NV_OK;
            }
            case NvControl.NV0000_CTRL_CMD_GPU_GET_ID_INFO -> {
                SimNvidiaGpu g = d.gpu((int) s.idInfoGpuId.get(p, 0));
                if (g == null || !d.attachedBy.getOrDefault(fd, Set.of()).contains(g.gpuId())) yield NvStatus.NV_ERR_INVALID_ARGUMENT;
                s.idInfoDeviceInstance.put(p, 0, g.deviceInstance());
                s.idInfoSubDeviceInstance.put(p, 0, 0);
                yield NvStatus.NV_OK;
            }
            case NvControl.NV0080_CTRL_CMD_GPU_GET_VIRTUALIZATION_MODE -> {
                p.fill((byte) 0);
                s.mode.put(p, 0, target.gpu().mode());
                s.gridBuild.ifPresent(grid -> grid.put(p, 0, 1));
                yield NvStatus.NV_OK;
            }
            case NvControl.NV0080_CTRL_CMD_GPU_GET_VGPU_HETEROGENEOUS_MODE -> d.heterogeneousMode().get(target.gpu(), p);
            case NvControl.NV0080_CTRL_CMD_GPU_SET_VGPU_HETEROGENEOUS_MODE -> d.heterogeneousMode().set(target.gpu(), p);
            case NvControl.NV2080_CTRL_CMD_BUS_GET_PCI_INFO -> {
                PciId id = target.gpu().id();
                s.busDeviceId.put(p, 0, id.device() << 16 | id.vendor());
                s.busSubSystemId.put(p, 0, id.subsystemDevice() << 16 | id.subsystemVendor());
                s.busRevisionId.put(p, 0, target.gpu().revision());
                yield NvStatus.NV_OK;
            }
            case NvControl.NVA081_CTRL_CMD_VGPU_CONFIG_SET_INFO -> d.vgpu.setInfo(target.gpu(), p);
            case NvControl.NVA081_CTRL_CMD_VGPU_CONFIG_MDEV_REGISTER -> d.vgpu.register(target.gpu());
            case NvControl.NVA081_CTRL_CMD_VGPU_CONFIG_GET_VGPU_TYPE_INFO -> d.vgpu.typeInfo(target.gpu(), p);
            case NvControl.NVA081_CTRL_CMD_VGPU_CONFIG_GET_SUPPORTED_VGPU_TYPES -> d.vgpu.supportedTypes(target.gpu(), p);
            default -> NvStatus.NV_ERR_NOT_SUPPORTED;
        };
    }

    /** The class whose objects take {@code cmd}: its top 16 bits. */
    private static int classOf(int cmd) {
        int c = cmd >>> 16;
        return c == 0 ? NvClass.NV01_ROOT_CLIENT : c;
    }
}
