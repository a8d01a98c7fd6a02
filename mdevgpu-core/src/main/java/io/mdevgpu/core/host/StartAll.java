package io.mdevgpu.core.host;

import io.mdevgpu.Definitions.Definition;
import io.mdevgpu.Definitions.StartResult;
import io.mdevgpu.Errno;
import io.mdevgpu.KernelException;
import io.mdevgpu.MdevException;
import io.mdevgpu.MdevInstance;
import io.mdevgpu.PciAddress;
import io.mdevgpu.VgpuBackend;
import io.mdevgpu.kernel.pci.SriovState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What boot runs ({@code mdevgpu start --all}, {@link io.mdevgpu.Definitions#startAll()}): first each SR-IOV GPU with
 * an {@code auto} definition is made ready (all its VFs enabled when none are; heterogeneous mode set when its
 * {@code auto} definitions need more than one type, the driver offers the mode and no VF holds a vGPU yet), then each
 * {@code auto} definition that is not active is started, the VF definitions pinned to a VF before those that take
 * any free one (which could otherwise take a pinned VF). A failure is recorded and the next one started. What is so
 * already is left alone, so a second run changes nothing.
 */
final class StartAll {
    private static final Logger LOG = LoggerFactory.getLogger(StartAll.class);

    private final EngineDefinitions definitions;
    private final EngineHost host;

    StartAll(EngineDefinitions definitions) {
        this.definitions = definitions;
        this.host = definitions.host();
    }

    List<StartResult> run() {
        List<Definition> auto = definitions.list().stream().filter(Definition::autoStart).toList();
        Map<PciAddress, List<Definition>> byGpu = new LinkedHashMap<>();
        for (Definition d : auto) {
            if (d.sriov().isPresent()) byGpu.computeIfAbsent(d.parent(), k -> new ArrayList<>()).add(d);
        }
        Map<PciAddress, MdevException> notReady = new HashMap<>();
        byGpu.forEach((gpu, defs) -> {
            try {
                prepare(gpu, defs);
            } catch (MdevException e) {
                LOG.error("GPU {}: its VF vGPUs cannot be started: {}", gpu, e.getMessage());
                notReady.put(gpu, e);
            }
        });
        StartResult[] results = new StartResult[auto.size()];
        for (boolean pinnedPass : new boolean[]{true, false}) {
            for (int i = 0; i < auto.size(); i++) {
                Definition d = auto.get(i);
                boolean pinned = d.sriov().flatMap(s -> s.virtualFunction()).isPresent();
                if (pinned == pinnedPass) results[i] = start(d, notReady.get(d.parent()));
            }
        }
        return List.of(results);
    }

    /** Enables the GPU's VFs when none are, and sets heterogeneous mode where its definitions need it and it can be. */
    private void prepare(PciAddress gpu, List<Definition> defs) {
        EngineParentDevice parent = (EngineParentDevice) host.gpu(gpu.toString());
        if (host.vfBackends().sriovOf(parent).isEmpty()) {
            throw KernelException.of("enable SR-IOV VFs for the defined vGPUs", "GPU " + gpu, Errno.ENODEV, "the GPU "
                    + "has no SR-IOV vGPU backend (" + parent.backend() + "): nothing was changed; load the vGPU host "
                    + "driver (R550 or newer), or undefine its VF vGPUs");
        }
        SriovState state = host.sriovControl().state(gpu, "enable SR-IOV VFs for the defined vGPUs");
        if (state.numVfs() == 0) host.sriovControl().enable(gpu, state.totalVfs());
        List<String> types = defs.stream().map(Definition::typeId).distinct().toList();
        if (types.size() < 2) return;
        Optional<Boolean> mode = host.kernel().nvidiaVf().heterogeneousMode(gpu);
        if (mode.isEmpty()) {
            LOG.warn("GPU {}: its auto definitions need {} types ({}) and the driver offers no heterogeneous mode "
                    + "mdevgpu can set: those of another size than the first fail", gpu, types.size(), types);
            return;
        }
        if (mode.get()) return;
        SriovState now = host.sriovControl().state(gpu, "set heterogeneous vGPU mode on");
        VgpuBackend.SriovVfio vfs = host.vfBackends().sriovBackend(now);
        if (vfs.assigned() > 0) {
            LOG.warn("GPU {}: its auto definitions need {} types ({}), but heterogeneous mode is set only before the "
                    + "first vGPU and {} VF(s) hold one: those of another size fail", gpu, types.size(), types, vfs.assigned());
            return;
        }
        try {
            host.sriovControl().heterogeneous(gpu, true);
        } catch (MdevException e) {
            LOG.warn("GPU {}: heterogeneous mode could not be set ({}): those of another size than the first fail",
                    gpu, e.getMessage());
        }
    }

    private StartResult start(Definition d, MdevException gpuNotReady) {
        Optional<MdevInstance> active = host.instance(d.uuid());
        if (active.isPresent()) return result(d, active.get(), StartResult.State.ACTIVE);
        if (gpuNotReady != null) return failed(d, gpuNotReady);
        try {
            return result(d, definitions.start(d), StartResult.State.STARTED);
        } catch (MdevException e) {
            // mdevctl's udev rule starts auto mdev definitions too: one that started meanwhile is active, no failure
            Optional<MdevInstance> meanwhile = host.instance(d.uuid());
            if (meanwhile.isPresent()) return result(d, meanwhile.get(), StartResult.State.ACTIVE);
            LOG.error("{} definition {} on {} could not be started: {}", d.kind(), d.uuid(), d.parent(), e.getMessage());
            return failed(d, e);
        }
    }

    private static StartResult result(Definition d, MdevInstance vgpu, StartResult.State state) {
        return new StartResult(d.uuid(), d.kind(), vgpu.parent(), vgpu.virtualFunction(), state, Optional.empty());
    }

    private static StartResult failed(Definition d, MdevException e) {
        return new StartResult(d.uuid(), d.kind(), d.parent(), d.sriov().flatMap(s -> s.virtualFunction()),
                StartResult.State.FAILED, Optional.of(e));
    }
}
