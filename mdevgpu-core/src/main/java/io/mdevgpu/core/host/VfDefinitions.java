package io.mdevgpu.core.host;

import io.mdevgpu.Definitions.Definition;
import io.mdevgpu.Definitions.Request;
import io.mdevgpu.Definitions.Sriov;
import io.mdevgpu.Errno;
import io.mdevgpu.HostStateException;
import io.mdevgpu.KernelException;
import io.mdevgpu.MdevException;
import io.mdevgpu.MdevInstance;
import io.mdevgpu.MdevType;
import io.mdevgpu.PciAddress;
import io.mdevgpu.ValidationException;
import io.mdevgpu.VgpuBackend;
import io.mdevgpu.VirtualFunction;
import io.mdevgpu.core.interop.VfDefinition;
import io.mdevgpu.core.interop.VfDefinitionStore;
import io.mdevgpu.kernel.pci.SriovState;
import io.mdevgpu.kernel.pci.VfRouting;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * The SR-IOV half of {@link EngineDefinitions}: a request on an SR-IOV GPU made into a {@link VfDefinition} (the
 * type's name read from the driver, a pinned VF checked to be one of the GPU's), and a definition started on its
 * pinned VF or on the first free VF no other definition pins, through {@link VfLifecycle} with the definition's UUID,
 * after checking that the type id still names the definition's type.
 */
final class VfDefinitions {
    private final EngineHost host;
    private final VfDefinitionStore store;
    private final VfTypeNames names;

    VfDefinitions(EngineHost host, VfDefinitionStore store) {
        this.host = host;
        this.store = store;
        this.names = new VfTypeNames(host);
    }

    VfDefinitionStore store() {
        return store;
    }

    VfTypeNames names() {
        return names;
    }

    /** The API's view of {@code d}. */
    static Definition toApi(VfDefinition d) {
        return new Definition(d.uuid(), d.pf(), "nvidia-" + d.typeId(), d.autoStart(), List.of(),
                Optional.of(new Sriov(d.vf(), d.typeName(), d.owner())));
    }

    /** The file's view of an API definition of the SR-IOV kind. */
    static VfDefinition fromApi(Definition d) {
        Sriov s = d.sriov().orElseThrow(() -> new IllegalArgumentException("an mdev definition: " + d));
        return new VfDefinition(d.uuid(), d.parent(), s.virtualFunction(), MdevType.typeNumber(d.typeId()), s.typeName(),
                d.autoStart(), s.owner());
    }

    /**
     * The definition {@code request} describes on the SR-IOV GPU {@code gpu}.
     *
     * @throws ValidationException the GPU has no such type (its types listed), or the VF is none of the GPU's
     * @throws HostStateException  the type's name cannot be read (no free VF offers it, the driver cannot be asked)
     */
    VfDefinition resolve(EngineParentDevice gpu, VgpuBackend.SriovVfio backend, Request request) {
        int number = MdevType.typeNumber(request.typeId());
        Optional<String> name;
        try {
            name = names.name(gpu.address(), backend, number);
        } catch (MdevException e) {
            throw new HostStateException("define VF vGPU nvidia-" + number, "GPU " + gpu.address(), "no free VF offers "
                    + "the type and the driver's type table cannot be read (" + e.getMessage() + ")", "enable the VFs "
                    + "(mdevgpu apply, or ParentDevice.enableVirtualFunctions) so that their creatable_vgpu_types name it",
                    e);
        }
        if (name.isEmpty()) {
            Map<Integer, String> known = names.all(gpu.address(), backend);
            throw new ValidationException("vGPU type of GPU " + gpu.address(), request.typeId(), known.isEmpty()
                    ? "a type the GPU has, and it has none: register types first (mdevgpu apply -c FILE)"
                    : "a type the GPU has: " + known.entrySet().stream().map(e -> "nvidia-" + e.getKey() + " ("
                    + e.getValue() + ")").collect(Collectors.joining(", ")));
        }
        request.virtualFunction().ifPresent(vf -> requireVfOf(gpu.address(), vf));
        return VfDefinition.builder(request.uuid()).pf(gpu.address()).vf(request.virtualFunction().orElse(null))
                .type(number, name.get()).autoStart(request.autoStart()).owner(request.owner().orElse(null)).build();
    }

    /** Refuses an address that is none of {@code gpu}'s VFs (enabled or not: the routing its capability gives). */
    private void requireVfOf(PciAddress gpu, PciAddress vf) {
        SriovState s = host.sriovControl().state(gpu, "pin a VF vGPU");
        for (int i = 0; i < s.totalVfs(); i++) {
            if (VfRouting.address(gpu, s.offset(), s.stride(), i).equals(vf)) return;
        }
        throw new ValidationException("virtual function of GPU " + gpu, vf.toString(), "one of its "
                + s.totalVfs() + " VFs, " + VfRouting.address(gpu, s.offset(), s.stride(), 0) + " to "
                + VfRouting.address(gpu, s.offset(), s.stride(), s.totalVfs() - 1));
    }

    /**
     * Starts {@code d}: on its pinned VF, else on the first free VF that can take the type and that no other
     * definition pins (that VF is kept for the vGPU a VM's configuration names).
     *
     * @throws HostStateException the type id names another type on the GPU now, or none
     */
    MdevInstance start(VfDefinition d) {
        String target = d.uuid() + " (nvidia-" + d.typeId() + ") on GPU " + d.pf();
        EngineParentDevice gpu = (EngineParentDevice) host.gpu(d.pf().toString());
        VgpuBackend.SriovVfio backend = host.vfBackends().sriovOf(gpu).orElseThrow(() -> KernelException.of(
                "start VF vGPU", target, Errno.ENODEV, "the GPU has no SR-IOV vGPU backend now (" + gpu.backend()
                        + "): load the vGPU host driver (R550 or newer)"));
        requireSameType(d, backend);
        if (d.vf().isEmpty()) backend = withoutPinnedByOthers(d, backend);
        return host.vfLifecycle().create(gpu, backend, Integer.toString(d.typeId()), d.uuid(), d.vf(),
                Optional.of(d.typeName()));
    }

    /** Refuses a start whose type id the GPU knows under another name, or not at all; a table it cannot read is left to the VF's check. */
    private void requireSameType(VfDefinition d, VgpuBackend.SriovVfio backend) {
        Optional<String> now;
        try {
            now = names.name(d.pf(), backend, d.typeId());
        } catch (MdevException e) {
            return; // the VF the type is written to lists it with its name, checked under the VF's lock
        }
        if (now.isEmpty()) {
            throw new HostStateException("start VF vGPU " + d.uuid(), "nvidia-" + d.typeId() + " on GPU " + d.pf(),
                    "the GPU has no type nvidia-" + d.typeId() + " now; the definition is for \"" + d.typeName() + "\"",
                    "register the types again (mdevgpu apply -c FILE), or undefine it and define it with a type "
                            + "`mdevgpu types --parent " + d.pf() + "` lists", null);
        }
        if (!now.get().equals(d.typeName())) throw renamed(d.pf(), d.typeId(), d.typeName(), now.get(), "the GPU names");
    }

    /** The refusal of a type id that names {@code actual} where a definition expects {@code expected}. */
    static HostStateException renamed(PciAddress gpu, int number, String expected, String actual, String who) {
        return new HostStateException("start VF vGPU nvidia-" + number, "GPU " + gpu, who + " nvidia-" + number + " \""
                + actual + "\", but the definition is for \"" + expected + "\" (type ids change with the driver "
                + "release and GPU model); nothing was written", "undefine it and define it again with the id that "
                + "`mdevgpu types --parent " + gpu + "` gives \"" + expected + "\"", null);
    }

    /** {@code backend} without the free VFs other definitions pin; ENOSPC naming them when no free VF is left. */
    private VgpuBackend.SriovVfio withoutPinnedByOthers(VfDefinition d, VgpuBackend.SriovVfio backend) {
        Map<PciAddress, UUID> pinned = store.list().stream().filter(o -> !o.uuid().equals(d.uuid()) && o.vf().isPresent())
                .collect(Collectors.toMap(o -> o.vf().get(), VfDefinition::uuid, (a, b) -> a));
        Set<PciAddress> reserved = pinned.keySet();
        List<VirtualFunction> left = backend.vfs().stream().filter(v -> !v.isFree() || !reserved.contains(v.address())).toList();
        boolean freeBefore = backend.vfs().stream().anyMatch(VirtualFunction::isFree);
        if (freeBefore && left.stream().noneMatch(VirtualFunction::isFree)) {
            throw KernelException.of("start VF vGPU", d.uuid() + " on GPU " + d.pf(), Errno.ENOSPC, "every free VF is "
                    + "pinned by another definition (" + String.join(", ", backend.vfs().stream()
                    .filter(VirtualFunction::isFree).map(v -> v.address() + " by " + pinned.get(v.address())).toList())
                    + "): enable more VFs, or pin this one to a VF");
        }
        return new VgpuBackend.SriovVfio(backend.totalVfs(), left, backend.heterogeneous());
    }
}
