package io.mdevgpu.core.host;

import io.mdevgpu.ParentDevice;
import io.mdevgpu.VgpuBackend;
import io.mdevgpu.VirtualFunction;
import io.mdevgpu.core.interop.VfDefinition;
import io.mdevgpu.core.interop.VfInventory;
import io.mdevgpu.core.interop.VfInventory.Entry;
import io.mdevgpu.core.interop.VfInventory.State;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The entries of the {@link VfInventory} JSON: every VF holding a type, then every VF definition no VF holds. A type's
 * name comes from the definition when it names the same id, else from the GPU (its VFs, its driver's table), read once
 * per GPU; none when neither has it. Reads only.
 */
final class VfInventories {
    private VfInventories() {
    }

    static List<Entry> entries(EngineDefinitions definitions) {
        EngineHost host = definitions.host();
        Map<UUID, VfDefinition> defined = definitions.vfStore().list().stream()
                .collect(Collectors.toMap(VfDefinition::uuid, Function.identity()));
        List<Entry> out = new ArrayList<>();
        Set<UUID> active = new HashSet<>();
        for (ParentDevice g : host.gpus()) {
            EngineParentDevice gpu = (EngineParentDevice) g;
            // a GPU without enabled VFs has no vGPU on them: no driver question for it
            if (host.kernel().sriov().state(gpu.address()).filter(s -> s.numVfs() > 0).isEmpty()) continue;
            Optional<VgpuBackend.SriovVfio> backend = host.vfBackends().sriovOf(gpu);
            if (backend.isEmpty()) continue;
            TreeMap<Integer, String> names = null;
            for (VirtualFunction vf : backend.get().vfs()) {
                if (vf.isFree()) continue;
                Optional<VfDefinition> d = vf.owner().map(defined::get);
                Optional<String> name = d.filter(x -> x.typeId() == vf.typeId()).map(VfDefinition::typeName);
                if (name.isEmpty()) {
                    if (names == null) names = definitions.vfs().names().all(gpu.address(), backend.get());
                    name = Optional.ofNullable(names.get(vf.typeId()));
                }
                vf.owner().ifPresent(active::add);
                out.add(new Entry(gpu.address(), Optional.of(vf.address()), vf.typeId(), name, vf.owner(), State.ACTIVE,
                        d.flatMap(VfDefinition::owner)));
            }
        }
        for (VfDefinition d : defined.values()) {
            if (!active.contains(d.uuid())) out.add(Entry.defined(d));
        }
        return List.copyOf(out);
    }
}
