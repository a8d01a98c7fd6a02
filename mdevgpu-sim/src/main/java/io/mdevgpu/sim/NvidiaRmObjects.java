package io.mdevgpu.sim;

import java.lang.foreign.MemorySegment;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;

import io.mdevgpu.kernel.abi.nvrm.NvClass;
import io.mdevgpu.kernel.abi.nvrm.NvStatus;
import io.mdevgpu.sim.NvidiaRmObjects.Client;
import io.mdevgpu.sim.NvidiaRmObjects.Obj;

/**
 * The simulated NVIDIA driver's RM objects: root clients, each owned by the {@code nvidiactl} fd that allocated it,
 * and their handle trees; {@code NV_ESC_RM_ALLOC} and {@code NV_ESC_RM_FREE} (freeing an object frees its children).
 * Guarded by the simulated kernel's lock.
 */
final class NvidiaRmObjects {
    record Obj(int parent, int hClass, SimNvidiaGpu gpu) {
    }

    static final class Client {
        final int handle;
        final int fd;
        final Map<Integer, Obj> objects = new LinkedHashMap<>();

        Client(int handle, int fd) {
            this.handle = handle;
            this.fd = fd;
            objects.put(handle, new Obj(0, NvClass.NV01_ROOT_CLIENT, null));
        }
    }


    final Map<Integer, Client> clients = new TreeMap<>();
    int nextClient = SimNvidiaDriver.FIRST_CLIENT;
    private final SimNvidiaDriver d;

    NvidiaRmObjects(SimNvidiaDriver driver) {
        this.d = driver;
    }

    int alloc(int fd, MemorySegment a) {
        DriverStructs s = d.structs();
        int hClass = (int) s.allocClass.get(a, 0), parent = (int) s.allocParent.get(a, 0), handle = (int) s.allocNew.get(a, 0);
        OptionalLong expected = d.abi.allocParamsSize(hClass);
        if (expected.isEmpty()) return NvStatus.NV_ERR_INVALID_CLASS;
        if (s.allocParamsSize.isPresent() && s.allocParamsSize.get().get(a, 0) != expected.getAsLong()) {
            return NvStatus.NV_ERR_INVALID_ARGUMENT;
        }
        if (hClass == NvClass.NV01_ROOT || hClass == NvClass.NV01_ROOT_CLIENT) {
            int h = handle != 0 ? handle : nextClient++;
            if (clients.containsKey(h)) return SimNvidiaDriver.NV_ERR_INSERT_DUPLICATE_NAME;
            clients.put(h, new Client(h, fd));
            s.allocNew.put(a, 0, h);
            return NvStatus.NV_OK;
        }
        Client client = clients.get((int) s.allocRoot.get(a, 0));
        if (client == null) return NvStatus.NV_ERR_INVALID_CLIENT;
        if (handle == 0 || client.objects.containsKey(handle)) return SimNvidiaDriver.NV_ERR_INSERT_DUPLICATE_NAME;
        Obj up = client.objects.get(parent);
        if (up == null) return NvStatus.NV_ERR_INVALID_OBJECT_PARENT;
        if (expected.getAsLong() > 0 && DriverStructs.isNull(s.allocParams, a)) return NvStatus.NV_ERR_INVALID_ARGUMENT;
        SimNvidiaGpu gpu;
        switch (hClass) {
            case NvClass.NV01_DEVICE_0 -> {
                if (up.hClass() != NvClass.NV01_ROOT_CLIENT) return NvStatus.NV_ERR_INVALID_OBJECT_PARENT;
                int instance = (int) s.deviceId.get(DriverStructs.pointee(s.allocParams, a, expected.getAsLong()), 0);
                Set<Integer> attached = d.attachedBy.getOrDefault(fd, Set.of());
                gpu = d.gpus.stream().filter(g -> g.deviceInstance() == instance && attached.contains(g.gpuId()))
                        .findFirst().orElse(null);
                if (gpu == null) return NvStatus.NV_ERR_INVALID_ARGUMENT;
                if (!d.fds.containsValue(d.devDirectory + "/nvidia" + gpu.minor())) return NvStatus.NV_ERR_INSUFFICIENT_PERMISSIONS;
            }
            case NvClass.NV20_SUBDEVICE_0 -> {
                if (up.hClass() != NvClass.NV01_DEVICE_0) return NvStatus.NV_ERR_INVALID_OBJECT_PARENT;
                gpu = up.gpu();
            }
            case NvClass.NVA081_VGPU_CONFIG -> {
                if (up.hClass() != NvClass.NV20_SUBDEVICE_0) return NvStatus.NV_ERR_INVALID_OBJECT_PARENT;
                gpu = up.gpu();
            }
            default -> {
                return NvStatus.NV_ERR_INVALID_CLASS;
            }
        }
        client.objects.put(handle, new Obj(parent, hClass, gpu));
        return NvStatus.NV_OK;
    }

    int free(MemorySegment a) {
        Client client = clients.get((int) d.structs().freeRoot.get(a, 0));
        if (client == null) return NvStatus.NV_ERR_INVALID_CLIENT;
        int handle = (int) d.structs().freeOld.get(a, 0);
        if (handle == client.handle) {
            clients.remove(handle);
            return NvStatus.NV_OK;
        }
        Obj o = client.objects.get(handle);
        if (o == null || o.parent() != (int) d.structs().freeParent.get(a, 0)) return NvStatus.NV_ERR_INVALID_OBJECT_HANDLE;
        removeTree(client, handle);
        return NvStatus.NV_OK;
    }

    private static void removeTree(Client client, int handle) {
        for (var e : List.copyOf(client.objects.entrySet())) {
            if (e.getValue().parent() == handle && e.getKey() != handle) removeTree(client, e.getKey());
        }
        client.objects.remove(handle);
    }
}
