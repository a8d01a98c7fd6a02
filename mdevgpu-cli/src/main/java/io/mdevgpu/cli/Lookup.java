package io.mdevgpu.cli;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

import io.mdevgpu.Definitions.Definition;
import io.mdevgpu.MdevHost;
import io.mdevgpu.MdevInstance;
import io.mdevgpu.MdevType;
import io.mdevgpu.ParentDevice;
import io.mdevgpu.PciAddress;
import io.mdevgpu.ValidationException;
import io.mdevgpu.VgpuBackend;

/** Finding what the operator named on the command line; a name that matches nothing is bad input (exit 2). */
final class Lookup {
    private Lookup() {
    }

    /** The active vGPU {@code uuid}: an mdev instance, or a VF's vGPU on an SR-IOV GPU. */
    static MdevInstance instance(MdevHost host, UUID uuid) {
        return host.instance(uuid).orElseThrow(() -> new ValidationException("vGPU", uuid.toString(),
                "no active vGPU (mdev instance or VF vGPU) has this UUID on the " + host.spec()
                        + "; `mdevgpu list` shows them"));
    }

    /** The persistent definition {@code uuid}, under {@code parent} when that is given (not null). */
    static Definition definition(MdevHost host, UUID uuid, PciAddress parent) {
        return (parent == null ? host.definitions().get(uuid) : host.definitions().get(uuid, parent))
                .orElseThrow(() -> new ValidationException("definition", uuid.toString(), "no persistent definition "
                        + "has this UUID" + (parent == null ? "" : " under " + parent) + " on the " + host.spec()
                        + "; `mdevgpu list --defined` shows them"));
    }

    /**
     * The GPU to put an instance of {@code typeId} ({@code nvidia-532} or {@code 532}) on: {@code parent} when given
     * (a GPU, or a virtual function of an SR-IOV GPU: then its GPU), else the first GPU offering the type with an
     * instance left, else the first offering it at all (whose refusal then names the cause).
     */
    static ParentDevice parentFor(MdevHost host, String type, PciAddress parent) {
        String typeId = MdevType.typeId(type);
        if (parent != null) {
            return gpuOf(host, parent).orElseGet(() -> host.gpu(parent.toString()));
        }
        List<ParentDevice> offering = host.gpus().stream()
                .filter(gpu -> gpu.types().stream().anyMatch(t -> t.id().equals(typeId))).toList();
        if (offering.isEmpty()) {
            throw new ValidationException("mdev type", typeId, "no GPU of the " + host.spec()
                    + " offers this type; `mdevgpu types` lists the types, `mdevgpu apply -c FILE` registers them");
        }
        return offering.stream()
                .filter(gpu -> gpu.types().stream().anyMatch(t -> t.id().equals(typeId) && t.availableInstances() > 0))
                .findFirst().orElse(offering.getFirst());
    }

    /** The SR-IOV GPU whose enabled VFs include {@code vf}; empty when {@code vf} is no such VF. */
    static Optional<ParentDevice> gpuOf(MdevHost host, PciAddress vf) {
        for (ParentDevice gpu : host.gpus()) {
            if (gpu.address().equals(vf)) return Optional.empty();
        }
        for (ParentDevice gpu : host.gpus()) {
            if (gpu.backend() instanceof VgpuBackend.SriovVfio s
                    && s.vfs().stream().anyMatch(v -> v.address().equals(vf))) {
                return Optional.of(gpu);
            }
        }
        return Optional.empty();
    }
}
