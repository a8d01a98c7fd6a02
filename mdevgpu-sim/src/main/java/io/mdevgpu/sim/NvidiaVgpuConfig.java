package io.mdevgpu.sim;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.mdevgpu.MdevType;
import io.mdevgpu.PciAddress;
import io.mdevgpu.ValidationException;
import io.mdevgpu.kernel.abi.nvrm.NvStatus;
import io.mdevgpu.kernel.abi.nvrm.VirtualizationMode;

/**
 * The simulated NVIDIA driver's vGPU config tables: per GPU, the types {@code VGPU_CONFIG_SET_INFO} put there (with
 * the rules in {@link SimNvidiaDriver}'s comment), {@code MDEV_REGISTER} handing a table to the publisher, the
 * type-info and supported-types answers, and what the state shared with other processes keeps of them. Guarded by
 * the simulated kernel's lock.
 */
final class NvidiaVgpuConfig {
    final Map<Integer, LinkedHashMap<Integer, MdevType>> tables = new HashMap<>();
    final Map<Integer, Integer> publishCounts = new HashMap<>();
    final List<Boolean> discards = new ArrayList<>();
    private final SimNvidiaDriver d;

    NvidiaVgpuConfig(SimNvidiaDriver driver) {
        this.d = driver;
    }

    int setInfo(SimNvidiaGpu gpu, MemorySegment p) {
        if (gpu.mode() != VirtualizationMode.HOST.code()) return NvStatus.NV_ERR_NOT_SUPPORTED;
        DriverVgpuTypes types = d.driverVgpuTypes().orElseThrow();
        boolean discard = types.discard(p);
        discards.add(discard);
        d.store.changed();
        LinkedHashMap<Integer, MdevType> table = table(gpu);
        if (discard) table.clear(); // first: SET_INFO(discard, type 0) empties a table (see the class comment)
        if (types.typeNumber(p) == 0) return NvStatus.NV_ERR_INVALID_ARGUMENT;
        MdevType type;
        try {
            type = types.decodeSetInfo(p);
        } catch (ValidationException e) {
            return NvStatus.NV_ERR_INVALID_ARGUMENT;
        }
        if (!table.containsKey(type.number()) && table.size() >= d.abi.limits().maxTypesPerGpu()) {
            return NvStatus.NV_ERR_INSUFFICIENT_RESOURCES;
        }
        table.putIfAbsent(type.number(), type); // a number the driver has is reused, not updated
        return NvStatus.NV_OK;
    }

    int register(SimNvidiaGpu gpu) {
        if (gpu.mode() != VirtualizationMode.HOST.code()) return NvStatus.NV_ERR_NOT_SUPPORTED;
        publishCounts.merge(gpu.gpuId(), 1, Integer::sum);
        d.store.changed();
        if (d.publisher != null) d.publisher.publish(gpu, List.copyOf(table(gpu).values()));
        return NvStatus.NV_OK;
    }

    LinkedHashMap<Integer, MdevType> table(SimNvidiaGpu gpu) {
        return tables.computeIfAbsent(gpu.gpuId(), k -> new LinkedHashMap<>());
    }


    /** GET_VGPU_TYPE_INFO: the type the params name, from the GPU's table. */
    int typeInfo(SimNvidiaGpu gpu, MemorySegment p) {
        DriverVgpuTypes types = d.driverVgpuTypes().orElseThrow();
        MdevType t = table(gpu).get(types.requestedType(p));
        if (t == null) return NvStatus.NV_ERR_OBJECT_NOT_FOUND;
        types.encodeTypeInfo(p, t, gpu.id());
        return NvStatus.NV_OK;
    }

    /** GET_SUPPORTED_VGPU_TYPES: the numbers of the GPU's table. */
    int supportedTypes(SimNvidiaGpu gpu, MemorySegment p) {
        int[] numbers = table(gpu).keySet().stream().mapToInt(Integer::intValue).toArray();
        d.driverVgpuTypes().orElseThrow().encodeSupportedTypes(p, numbers, 2);
        return NvStatus.NV_OK;
    }

    /** Every GPU's table, by address: what the kernel's state keeps of the driver. */
    Map<PciAddress, List<MdevType>> typeTables() {
        Map<PciAddress, List<MdevType>> out = new LinkedHashMap<>();
        for (SimNvidiaGpu g : d.gpus) out.put(g.address(), d.typeTable(g.gpuId()));
        return out;
    }

    /** Puts back the tables another process left; a GPU not named has an empty table. */
    void restore(Map<PciAddress, List<MdevType>> saved) {
        tables.clear();
        for (SimNvidiaGpu g : d.gpus) {
            LinkedHashMap<Integer, MdevType> table = table(g);
            for (MdevType t : saved.getOrDefault(g.address(), List.of())) table.put(t.number(), t);
        }
    }
}
