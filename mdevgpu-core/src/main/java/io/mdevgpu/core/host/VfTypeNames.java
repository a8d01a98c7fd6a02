package io.mdevgpu.core.host;

import io.mdevgpu.MdevException;
import io.mdevgpu.MdevType;
import io.mdevgpu.PciAddress;
import io.mdevgpu.VgpuBackend;
import io.mdevgpu.VirtualFunction;
import io.mdevgpu.kernel.nvrm.RmClient;
import io.mdevgpu.kernel.nvrm.RmGpu;
import io.mdevgpu.kernel.nvvf.NvidiaVfPort.CreatableType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Optional;
import java.util.TreeMap;

/**
 * The names of an SR-IOV GPU's vGPU types, by id: first what its free VFs offer now ({@code creatable_vgpu_types},
 * plain file reads), then the driver's type table through the RM API, which names every type the GPU has whatever its
 * VFs can take now (newer drivers describe types nowhere else). Reads only.
 */
final class VfTypeNames {
    private static final Logger LOG = LoggerFactory.getLogger(VfTypeNames.class);

    private final EngineHost host;

    VfTypeNames(EngineHost host) {
        this.host = host;
    }

    /** What the free VFs of {@code backend} offer now, by id. */
    TreeMap<Integer, String> offered(VgpuBackend.SriovVfio backend) {
        TreeMap<Integer, String> names = new TreeMap<>();
        for (VirtualFunction vf : backend.vfs()) {
            if (!vf.isFree() || !host.kernel().nvidiaVf().isVgpuCapable(vf.address())) continue;
            for (CreatableType t : host.kernel().nvidiaVf().creatableTypes(vf.address())) names.putIfAbsent(t.id(), t.name());
        }
        return names;
    }

    /**
     * The name of type {@code id} on {@code gpu}: offered by a free VF, else from the driver's table; empty when neither
     * has it.
     *
     * @throws MdevException the driver's table could not be read (and no VF offers the type)
     */
    Optional<String> name(PciAddress gpu, VgpuBackend.SriovVfio backend, int id) {
        String offered = offered(backend).get(id);
        if (offered != null) return Optional.of(offered);
        try (RmClient rm = host.openRmClient(); RmGpu g = rm.openGpu(gpu)) {
            return g.readType(id).map(MdevType::name);
        }
    }

    /** {@link #name}, empty (logged) when the driver's table cannot be read: for views, never for a write. */
    Optional<String> nameIfReadable(PciAddress gpu, VgpuBackend.SriovVfio backend, int id) {
        try {
            return name(gpu, backend, id);
        } catch (MdevException e) {
            LOG.debug("the name of nvidia-{} on GPU {} could not be read: {}", id, gpu, e.getMessage());
            return Optional.empty();
        }
    }

    /**
     * Every type {@code gpu} knows, by id: its driver's table and what its free VFs offer, for an error that lists
     * them; only the VFs' when the table cannot be read.
     */
    TreeMap<Integer, String> all(PciAddress gpu, VgpuBackend.SriovVfio backend) {
        TreeMap<Integer, String> names = offered(backend);
        try (RmClient rm = host.openRmClient(); RmGpu g = rm.openGpu(gpu)) {
            for (int number : g.supportedTypes()) g.readType(number).ifPresent(t -> names.putIfAbsent(t.number(), t.name()));
        } catch (MdevException e) {
            LOG.debug("the type table of GPU {} could not be read: {}", gpu, e.getMessage());
        }
        return names;
    }
}
