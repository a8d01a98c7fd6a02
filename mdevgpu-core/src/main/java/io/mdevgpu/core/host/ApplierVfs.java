package io.mdevgpu.core.host;

import io.mdevgpu.PciAddress;
import io.mdevgpu.Plan.TypePlan;
import io.mdevgpu.SupportedType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The SR-IOV side of an apply: the journal of the VF counts and heterogeneous modes it changes, their undo, and the
 * read-back of what the VFs offer once the types are registered.
 */
final class ApplierVfs {
    private static final Logger LOG = LoggerFactory.getLogger(ApplierVfs.class);

    /** A GPU whose VFs or mode a step is about to change, and what they were. */
    private record Touched(PciAddress gpu, int previousVfs, Optional<Boolean> previousMode) {
    }

    private final Consumer<String> done;
    private final List<Touched> journal = new ArrayList<>();

    ApplierVfs(Consumer<String> done) {
        this.done = done;
    }

    void journal(PciAddress gpu, SriovPlanning before) {
        journal.add(new Touched(gpu, before.enabled(), before.heterogeneousNow()));
    }

    /**
     * What the VFs of an SR-IOV GPU offer after the types were registered. Whether registered types appear in
     * {@code creatable_vgpu_types} is not publicly known ({@link SriovPlanning#SET_INFO_ASSUMPTION}), so a planned type
     * that no free VF offers is said in the steps and the log, and is no failure: nothing is undone for it.
     */
    List<SupportedType> readBack(Planner.GpuPart part) {
        PciAddress a = part.gpu().address();
        List<SupportedType> offered = part.gpu().types();
        List<String> missing = new ArrayList<>();
        for (TypePlan t : part.plan().types()) {
            if (t.instancesThatFit() > 0 && offered.stream().noneMatch(o -> o.id().equals(t.type().sysfsName()))) {
                missing.add(t.type().sysfsName());
            }
        }
        if (!missing.isEmpty() && part.sriov().map(SriovPlanning::target).orElse(0) > 0) {
            LOG.warn("apply: no free VF of GPU {} offers {} in creatable_vgpu_types: the driver may not offer types "
                    + "registered through SET_INFO on VFs (not publicly known)", a, missing);
            done.accept("no free VF of GPU " + a + " offers " + String.join(", ", missing) + " (see the note on SET_INFO)");
        } else {
            done.accept("read back what the VFs of GPU " + a + " offer: " + (offered.isEmpty() ? "nothing"
                    : String.join(", ", offered.stream().map(o -> o.id() + " on " + o.availableInstances() + " VF(s)").toList())));
        }
        return offered;
    }

    /** Undoes the VF changes in reverse; what could not be restored, in words. */
    List<String> undo(EngineHost host, RuntimeException failure) {
        List<String> left = new ArrayList<>();
        for (Touched t : journal.reversed()) {
            try {
                host.sriovControl().enable(t.gpu(), t.previousVfs());
                if (t.previousVfs() > 0 && t.previousMode().isPresent()) {
                    host.sriovControl().heterogeneous(t.gpu(), t.previousMode().get());
                }
                LOG.info("apply undone on GPU {}: {} SR-IOV VFs enabled again", t.gpu(), t.previousVfs());
            } catch (RuntimeException e) {
                failure.addSuppressed(e);
                left.add("GPU " + t.gpu() + " (its earlier " + t.previousVfs() + " SR-IOV VFs: " + e.getMessage() + ")");
            }
        }
        journal.clear();
        return left;
    }
}
