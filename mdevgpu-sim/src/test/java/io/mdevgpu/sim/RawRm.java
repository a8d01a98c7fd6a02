package io.mdevgpu.sim;

import java.lang.foreign.Arena;
import java.lang.foreign.GroupLayout;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import io.mdevgpu.MdevType;

import io.mdevgpu.kernel.abi.nvrm.AllocParameters;
import io.mdevgpu.kernel.abi.nvrm.NV0000_CTRL_GPU_ATTACH_IDS_PARAMS;
import io.mdevgpu.kernel.abi.nvrm.NV0080_ALLOC_PARAMETERS;
import io.mdevgpu.kernel.abi.nvrm.NVOS00_PARAMETERS;
import io.mdevgpu.kernel.abi.nvrm.NVOS54_PARAMETERS;
import io.mdevgpu.kernel.abi.nvrm.NvClass;
import io.mdevgpu.kernel.abi.nvrm.NvControl;
import io.mdevgpu.kernel.abi.nvrm.NvEscape;
import io.mdevgpu.kernel.abi.nvrm.NvrmAbi;

/**
 * RM calls made by hand, byte by byte, to send what the library's client never would (misuse the real driver
 * answers with a status): the simulated driver must answer them as the driver does.
 */
final class RawRm implements AutoCloseable {
    final SimNvidiaDriver driver;
    final NvrmAbi abi;
    final AllocParameters alloc;
    final Arena arena = Arena.ofConfined();
    final MemorySegment nvos21, nvos54, nvos00;
    final int ctl;
    int client;
    final java.util.List<Integer> nodes = new java.util.ArrayList<>();

    RawRm(SimNvidiaDriver driver) {
        this.driver = driver;
        this.abi = driver.abi();
        this.alloc = abi.alloc();
        nvos21 = arena.allocate(abi.struct(NvrmAbi.NVOS21));
        nvos54 = arena.allocate(abi.struct(NvrmAbi.NVOS54));
        nvos00 = arena.allocate(abi.struct(NvrmAbi.NVOS00));
        ctl = driver.open(driver.devDirectory() + "/nvidiactl");
        if (ctl < 0) throw new IllegalStateException("open nvidiactl: " + ctl);
        client = allocStatus(0, 0, 0, NvClass.NV01_ROOT, MemorySegment.NULL) == 0 ? alloc.hObjectNew(nvos21) : -1;
    }

    /** The struct {@code name} of this release, zeroed. */
    MemorySegment params(String name) {
        return arena.allocate(abi.struct(name));
    }

    int allocStatus(int hRoot, int hParent, int hNew, int hClass, MemorySegment params) {
        alloc.encode(nvos21, hRoot, hParent, hNew, hClass, params);
        int r = driver.ioctl(ctl, abi.allocRequest(), nvos21);
        if (r < 0) throw new IllegalStateException("RM_ALLOC ioctl: " + r);
        return alloc.status(nvos21);
    }

    int alloc(int hParent, int hNew, int hClass, MemorySegment params) {
        return allocStatus(client, hParent, hNew, hClass, params);
    }

    int control(int hObject, int cmd, MemorySegment params) {
        return control(hObject, cmd, params, (int) params.byteSize());
    }

    int control(int hObject, int cmd, MemorySegment params, int paramsSize) {
        NVOS54_PARAMETERS.hClient(nvos54, client);
        NVOS54_PARAMETERS.hObject(nvos54, hObject);
        NVOS54_PARAMETERS.cmd(nvos54, cmd);
        NVOS54_PARAMETERS.params(nvos54, params);
        NVOS54_PARAMETERS.paramsSize(nvos54, paramsSize);
        int r = driver.ioctl(ctl, NvEscape.RM_CONTROL, nvos54);
        if (r < 0) throw new IllegalStateException("RM_CONTROL ioctl: " + r);
        return NVOS54_PARAMETERS.status(nvos54);
    }

    int free(int hParent, int hObject) {
        NVOS00_PARAMETERS.hRoot(nvos00, client);
        NVOS00_PARAMETERS.hObjectParent(nvos00, hParent);
        NVOS00_PARAMETERS.hObjectOld(nvos00, hObject);
        int r = driver.ioctl(ctl, NvEscape.RM_FREE, nvos00);
        if (r < 0) throw new IllegalStateException("RM_FREE ioctl: " + r);
        return NVOS00_PARAMETERS.status(nvos00);
    }

    int attach(int gpuId) {
        MemorySegment p = params(NvrmAbi.ATTACH_IDS);
        for (int i = 0; i < NV0000_CTRL_GPU_ATTACH_IDS_PARAMS.gpuIds$length(); i++) {
            NV0000_CTRL_GPU_ATTACH_IDS_PARAMS.gpuIds(p, i, i == 0 ? gpuId : NvControl.NV0000_CTRL_GPU_INVALID_ID);
        }
        return control(client, NvControl.NV0000_CTRL_CMD_GPU_ATTACH_IDS, p);
    }

    int allocDevice(int handle, int deviceInstance) {
        MemorySegment p = params(NvrmAbi.DEVICE_ALLOC);
        NV0080_ALLOC_PARAMETERS.deviceId(p, deviceInstance);
        return alloc(client, handle, NvClass.NV01_DEVICE_0, p);
    }

    int allocSubdevice(int device, int handle) {
        return alloc(device, handle, NvClass.NV20_SUBDEVICE_0, params(NvrmAbi.SUBDEVICE_ALLOC));
    }

    /** Attaches {@code gpu}, opens its node, allocates device 0x100, subdevice 0x101 and vGPU config 0x102; returns 0x102. */
    int vgpuConfig(SimNvidiaGpu gpu) {
        check("attach", attach(gpu.gpuId()));
        int node = driver.open(driver.devDirectory() + "/nvidia" + gpu.minor());
        if (node < 0) throw new IllegalStateException("open nvidia" + gpu.minor() + ": " + node);
        nodes.add(node);
        check("device", allocDevice(0x100, gpu.deviceInstance()));
        check("subdevice", allocSubdevice(0x100, 0x101));
        check("vgpu config", alloc(0x101, 0x102, NvClass.NVA081_VGPU_CONFIG, MemorySegment.NULL));
        return 0x102;
    }

    /** {@code SET_INFO} with discard set and everything else zero (type 0): the rollback to an empty table. */
    int setInfoEmptying(int config) {
        GroupLayout layout = abi.struct(NvrmAbi.VGPU_CONFIG_INFO);
        MemorySegment p = arena.allocate(layout);
        p.set(ValueLayout.JAVA_INT, layout.byteOffset(MemoryLayout.PathElement.groupElement("discardVgpuTypes")), 1);
        return control(config, NvControl.NVA081_CTRL_CMD_VGPU_CONFIG_SET_INFO, p);
    }

    /** {@code SET_INFO} of {@code type}, encoded as the client does. */
    int setInfo(int config, MdevType type, boolean discard) {
        MemorySegment p = params(NvrmAbi.VGPU_CONFIG_INFO);
        abi.vgpuTypes().orElseThrow().encodeConfigInfo(p, type, SimHosts.A100_ID, discard);
        return control(config, NvControl.NVA081_CTRL_CMD_VGPU_CONFIG_SET_INFO, p);
    }

    /** {@code MDEV_REGISTER} / {@code UPDATE_PGPU_INFO}. */
    int register(int config) {
        return control(config, NvControl.NVA081_CTRL_CMD_VGPU_CONFIG_MDEV_REGISTER, MemorySegment.NULL, 0);
    }

    private static void check(String what, int status) {
        if (status != 0) throw new IllegalStateException(what + ": status 0x" + Integer.toHexString(status));
    }

    @Override
    public void close() {
        nodes.forEach(driver::close);
        driver.close(ctl);
        arena.close();
    }
}
