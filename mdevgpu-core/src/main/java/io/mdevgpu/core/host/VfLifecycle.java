package io.mdevgpu.core.host;

import io.mdevgpu.DeviceInUseException;
import io.mdevgpu.Errno;
import io.mdevgpu.HostStateException;
import io.mdevgpu.KernelException;
import io.mdevgpu.MdevType;
import io.mdevgpu.PciAddress;
import io.mdevgpu.ValidationException;
import io.mdevgpu.VgpuBackend;
import io.mdevgpu.VirtualFunction;
import io.mdevgpu.kernel.nvvf.NvidiaVfPort;
import io.mdevgpu.kernel.nvvf.NvidiaVfPort.CreatableType;
import io.mdevgpu.kernel.sysfs.HostLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Creates and removes vGPUs on SR-IOV virtual functions. Each change holds the VF's lock ({@link VfOwners}) from the
 * first look to the read-back, records the owner before the type is written (so a second process finds the VF taken),
 * reads {@code current_vgpu_type} back after each write, and leaves the VF as it was when a step fails.
 */
final class VfLifecycle {
    private static final Logger LOG = LoggerFactory.getLogger(VfLifecycle.class);

    private final EngineHost host;

    VfLifecycle(EngineHost host) {
        this.host = host;
    }

    private NvidiaVfPort port() {
        return host.kernel().nvidiaVf();
    }

    /**
     * A vGPU of {@code type} with {@code uuid} on {@code vf}, or on the first free VF of {@code gpu} that can take it.
     */
    EngineVfVgpu create(EngineParentDevice gpu, VgpuBackend.SriovVfio backend, String type, UUID uuid,
                        Optional<PciAddress> vf) {
        return create(gpu, backend, type, uuid, vf, Optional.empty());
    }

    /**
     * As {@link #create(EngineParentDevice, VgpuBackend.SriovVfio, String, UUID, Optional)}; with {@code typeName}, a
     * VF that lists the type id under another name is refused before anything is written (a definition's type, whose
     * id may mean another type after a driver or GPU change).
     */
    EngineVfVgpu create(EngineParentDevice gpu, VgpuBackend.SriovVfio backend, String type, UUID uuid,
                        Optional<PciAddress> vf, Optional<String> typeName) {
        int number = MdevType.typeNumber(type);
        String target = "nvidia-" + number + " on GPU " + gpu.address();
        if (host.instance(uuid).isPresent()) {
            throw KernelException.of("create vGPU", uuid.toString(), Errno.EEXIST,
                    "a vGPU has this UUID already (mdevgpu list); choose another");
        }
        if (vf.isPresent()) {
            VirtualFunction named = backend.vfs().stream().filter(v -> v.address().equals(vf.get())).findFirst()
                    .orElseThrow(() -> new ValidationException("virtual function", vf.get().toString(), "an enabled VF of GPU "
                            + gpu.address() + ": " + (backend.vfs().isEmpty() ? "it has none enabled (mdevgpu apply, or "
                            + "ParentDevice.enableVirtualFunctions)" : String.join(", ", backend.vfs().stream()
                            .map(v -> v.address().toString()).toList()))));
            return claim(gpu, named.address(), number, uuid, typeName).orElseThrow();
        }
        if (backend.vfs().isEmpty()) {
            throw KernelException.of("create vGPU", target, Errno.ENODEV, "the GPU has no VFs enabled: enable them "
                    + "(mdevgpu apply with virtual_functions, or ParentDevice.enableVirtualFunctions)");
        }
        List<String> offered = new ArrayList<>();
        boolean anyFree = false;
        for (VirtualFunction candidate : backend.vfs()) {
            if (!candidate.isFree()) continue;
            anyFree = true;
            Optional<EngineVfVgpu> made = claimIfFree(gpu, candidate.address(), number, uuid, typeName, offered);
            if (made.isPresent()) return made.get();
        }
        if (!anyFree || offered.isEmpty()) {
            throw KernelException.of("create vGPU", target, Errno.ENOSPC, "every VF of the GPU holds a vGPU ("
                    + backend.enabled() + " enabled): remove one, or enable more VFs");
        }
        throw KernelException.of("create vGPU", target, Errno.EINVAL, "its free VFs can take "
                + String.join(", ", offered.stream().distinct().toList()) + " now (one size per GPU unless heterogeneous "
                + "mode is on; mdevgpu types --parent " + gpu.address() + ")");
    }

    /** Takes {@code vf} when it is free and offers the type; records what it offers in {@code offered} otherwise. */
    private Optional<EngineVfVgpu> claimIfFree(EngineParentDevice gpu, PciAddress vf, int number, UUID uuid,
                                               Optional<String> typeName, List<String> offered) {
        try (HostLock ignored = host.vfOwners().lock(vf)) {
            if (port().currentType(vf) != 0) return Optional.empty(); // taken since the backend was read
            List<CreatableType> creatable = port().creatableTypes(vf);
            if (creatable.stream().noneMatch(t -> t.id() == number)) {
                creatable.forEach(t -> offered.add("nvidia-" + t.id() + " (" + t.name() + ")"));
                return Optional.empty();
            }
            requireName(creatable, number, typeName, vf, gpu);
            return Optional.of(write(gpu, vf, number, uuid));
        }
    }

    /** Takes the named {@code vf}: EBUSY when it holds a vGPU, EINVAL when it cannot take the type now. */
    private Optional<EngineVfVgpu> claim(EngineParentDevice gpu, PciAddress vf, int number, UUID uuid,
                                         Optional<String> typeName) {
        String target = "VF " + vf + " of GPU " + gpu.address();
        try (HostLock ignored = host.vfOwners().lock(vf)) {
            int current = port().currentType(vf);
            if (current != 0) {
                throw KernelException.of("create vGPU nvidia-" + number, target, Errno.EBUSY, "the VF holds nvidia-"
                        + current + host.vfOwners().owner(vf).map(u -> " (vGPU " + u + ")").orElse("")
                        + "; remove it first, or name another VF");
            }
            List<CreatableType> creatable = port().creatableTypes(vf);
            if (creatable.stream().noneMatch(t -> t.id() == number)) {
                throw KernelException.of("create vGPU nvidia-" + number, target, Errno.EINVAL, creatable.isEmpty()
                        ? "the VF can take no type now (the GPU's other vGPUs use it up)"
                        : "the VF can take " + String.join(", ", creatable.stream().map(t -> "nvidia-" + t.id()
                        + " (" + t.name() + ")").toList()) + " now");
            }
            requireName(creatable, number, typeName, vf, gpu);
            return Optional.of(write(gpu, vf, number, uuid));
        }
    }

    /** Refuses a VF that lists type {@code number} under another name than {@code expected}. */
    private static void requireName(List<CreatableType> creatable, int number, Optional<String> expected, PciAddress vf,
                                    EngineParentDevice gpu) {
        if (expected.isEmpty()) return;
        for (CreatableType t : creatable) {
            if (t.id() == number && !t.name().equals(expected.get())) {
                throw VfDefinitions.renamed(gpu.address(), number, expected.get(), t.name(), "VF " + vf + " lists");
            }
        }
    }

    /** Under the VF's lock: owner record, type write, read-back; the VF as it was if a step fails. */
    private EngineVfVgpu write(EngineParentDevice gpu, PciAddress vf, int number, UUID uuid) {
        host.vfOwners().record(vf, uuid);
        try {
            port().setType(vf, number);
            int now = port().currentType(vf);
            if (now != number) {
                throw new HostStateException("create vGPU nvidia-" + number, "VF " + vf + " of GPU " + gpu.address(),
                        "current_vgpu_type reads " + now + " after the write", "see the kernel log (dmesg)", null);
            }
        } catch (RuntimeException failure) {
            undoCreate(vf, number, failure);
            throw failure;
        }
        LOG.info("created vGPU {} nvidia-{} on VF {} of GPU {}", uuid, number, vf, gpu.address());
        return new EngineVfVgpu(host, gpu.address(), vf, number, uuid, host.vfBackends().iommuGroup(vf));
    }

    private void undoCreate(PciAddress vf, int number, RuntimeException failure) {
        try {
            if (port().currentType(vf) == number) port().clearType(vf);
            host.vfOwners().erase(vf);
        } catch (RuntimeException e) {
            failure.addSuppressed(e);
            LOG.error("creating nvidia-{} on VF {} failed ({}) and the VF could not be freed: {}", number, vf,
                    failure.getMessage(), e.getMessage());
        }
    }

    /**
     * Removes the vGPU {@code uuid} from {@code vf}: refused while this process holds the VF open (the driver answers
     * EBUSY while another does); idempotent when the VF holds none.
     */
    void remove(PciAddress gpu, PciAddress vf, UUID uuid) {
        String target = "vGPU " + uuid + " on VF " + vf + " of GPU " + gpu;
        try (HostLock ignored = host.vfOwners().lock(vf)) {
            if (host.vfio().isOpen(vf.toString())) {
                throw new DeviceInUseException("remove", target, "close its VFIO device first (the VM using it)");
            }
            Optional<UUID> owner = host.vfOwners().owner(vf);
            int current = port().currentType(vf);
            if (current == 0) {
                host.vfOwners().erase(vf);
                return;
            }
            UUID holder = owner.orElseGet(() -> VfBackends.unowned(vf));
            if (!holder.equals(uuid)) {
                throw KernelException.of("remove", target, Errno.EBUSY, "the VF now holds vGPU " + holder
                        + ": list the vGPUs again (mdevgpu list)");
            }
            port().clearType(vf);
            // the driver took the write: the record goes with the vGPU, whatever the read-back then meets
            host.vfOwners().erase(vf);
            int now = port().currentType(vf);
            if (now != 0) {
                host.vfOwners().record(vf, holder);
                throw new HostStateException("remove", target, "current_vgpu_type reads " + now + " after writing 0",
                        "see the kernel log (dmesg)", null);
            }
            LOG.info("removed vGPU {} nvidia-{} from VF {} of GPU {}", uuid, current, vf, gpu);
        }
    }
}
