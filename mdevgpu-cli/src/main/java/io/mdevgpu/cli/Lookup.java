package io.mdevgpu.cli;

import java.util.List;
import java.util.UUID;

import io.mdevgpu.Definitions.Definition;
import io.mdevgpu.MdevHost;
import io.mdevgpu.MdevInstance;
import io.mdevgpu.ParentDevice;
import io.mdevgpu.PciAddress;
import io.mdevgpu.ValidationException;

/** Finding what the operator named on the command line; a name that matches nothing is bad input (exit 2). */
final class Lookup {
    private Lookup() {
    }

    /** The active instance {@code uuid}. */
    static MdevInstance instance(MdevHost host, UUID uuid) {
        return host.instance(uuid).orElseThrow(() -> new ValidationException("mdev instance", uuid.toString(),
                "no active mdev instance has this UUID on the " + host.spec() + "; `mdevgpu list` shows them"));
    }

    /** The persistent definition {@code uuid}, under {@code parent} when that is given (not null). */
    static Definition definition(MdevHost host, UUID uuid, PciAddress parent) {
        return (parent == null ? host.definitions().get(uuid) : host.definitions().get(uuid, parent))
                .orElseThrow(() -> new ValidationException("mdev definition", uuid.toString(), "no persistent definition "
                        + "has this UUID" + (parent == null ? "" : " under " + parent) + " on the " + host.spec()
                        + "; `mdevgpu list --defined` shows them"));
    }

    /**
     * The GPU to put an instance of {@code typeId} on: {@code parent} when given, else the first GPU offering the type
     * with an instance left, else the first offering it at all (whose refusal then names the cause).
     */
    static ParentDevice parentFor(MdevHost host, String typeId, PciAddress parent) {
        if (parent != null) {
            return host.gpu(parent.toString());
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
}
