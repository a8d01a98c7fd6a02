package io.mdevgpu.core.host;

import io.mdevgpu.ApplyResult;
import io.mdevgpu.HostStateException;
import io.mdevgpu.MdevException;
import io.mdevgpu.MdevInstance;
import io.mdevgpu.MdevType;
import io.mdevgpu.NotVgpuHostException;
import io.mdevgpu.PciAddress;
import io.mdevgpu.PlanException;
import io.mdevgpu.SupportedType;
import io.mdevgpu.kernel.abi.nvrm.VgpuTypeCodec;
import io.mdevgpu.kernel.abi.nvrm.VirtualizationMode;
import io.mdevgpu.kernel.nvrm.RmClient;
import io.mdevgpu.kernel.nvrm.RmGpu;
import io.mdevgpu.kernel.sysfs.HostLock;
import io.mdevgpu.kernel.sysfs.SysfsReader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static io.mdevgpu.core.host.ApplierTables.busShows;
import static io.mdevgpu.core.host.ApplierTables.busShowsAmong;
import static io.mdevgpu.core.host.ApplierTables.names;
import static io.mdevgpu.core.host.ApplierTables.onChangedTypes;
import static io.mdevgpu.core.host.ApplierTables.requireRestored;
import static io.mdevgpu.core.host.ApplierTables.snapshot;

/**
 * Applies a plan (principle 3 of DESIGN.md): the host changes step by step, each change written to a journal first,
 * and if any step fails, the journal is undone in reverse before the error, which names the failed step, is thrown.
 *
 * <ol>
 * <li>open the NVIDIA driver (an RM client) and attach every GPU of the plan;
 * <li>check that every GPU is a vGPU host (virtualization mode HOST) before anything is sent that would change one:
 * otherwise {@link NotVgpuHostException}, naming the mode;
 * <li>read each GPU's present type table (GET_SUPPORTED_VGPU_TYPES and GET_VGPU_TYPE_INFO; on 510, which cannot read
 * types back, from the mdev bus) for the journal; a GPU that holds the planned types already, in the driver's table and
 * on the bus, is left as it is (so an apply run again spares the guests of its instances), and one whose table would
 * change while it has instances, which may have been created after the plan, is refused before anything is sent to
 * any GPU;
 * <li>per GPU: journal "restore the earlier table", register the types (discarding the earlier ones unless
 * {@code keep}) and publish them, then read the mdev bus back: every planned type must be there with its name,
 * NVIDIA's description and its instances available;
 * <li>close the driver (frees every RM object).
 * </ol>
 * A failure in any step (the closing one included: a change must end with nothing held) undoes the journal with a
 * fresh RM client, in reverse: each GPU touched gets its earlier table back (registered again with discard, or
 * emptied), read back to check that the driver's tables equal what they were. What the undo cannot restore is listed
 * in a {@link HostStateException}, whose cause is the failure.
 */
final class Applier {
    /** The apply lock's name in the host's {@code /run/lock}. */
    static final String APPLY_LOCK = "mdevgpu-apply.lock";
    private static final Logger LOG = LoggerFactory.getLogger(Applier.class);
    private static final String CHANGE = "apply";

    /** A journal entry: the GPU whose table a step is about to change, and that table before. */
    private record Touched(PciAddress gpu, List<MdevType> previous) {
    }

    private final EngineHost host;
    private final EnginePlan plan;
    private final List<String> steps = new ArrayList<>();
    private final List<Touched> journal = new ArrayList<>();
    private final ApplierVfs vfs = new ApplierVfs(this::done);
    private String step;

    Applier(EngineHost host, EnginePlan plan) {
        this.host = host;
        this.plan = plan;
    }

    ApplyResult apply() {
        host.requireOpen();
        if (!plan.fits()) throw new PlanException(plan.target(), plan.problems());
        try (HostLock ignored = lockApplies()) {
            return applyLocked();
        }
    }

    /**
     * One apply at a time on a host, whichever process runs it (two units at boot, an operator beside them): each
     * snapshots the tables it will change and rolls back to that snapshot, which an apply running between would
     * spoil. The lock is {@code /run/lock/mdevgpu-apply.lock} (under a tree's root for a tree or a simulated host).
     */
    private HostLock lockApplies() {
        Path file = host.kernel().layout().sys().toAbsolutePath().resolveSibling("run").resolve("lock").resolve(APPLY_LOCK);
        try {
            Files.createDirectories(file.getParent());
            LOG.debug("apply: taking the host's apply lock {}", file);
            return HostLock.acquire(file);
        } catch (IOException e) {
            throw SysfsReader.failure("lock (so that no other apply changes the host meanwhile)", file, e,
                    "nothing was changed; apply creates and locks this file (as root on a real host)");
        }
    }

    private ApplyResult applyLocked() {
        RmClient client = null;
        try {
            step = "open the NVIDIA driver";
            client = host.openRmClient();
            if (!client.abi().limits().equals(plan.limits())) {
                throw new HostStateException("check the driver", client.release().toString(), "the plan was made for a "
                        + "driver with " + plan.limits() + " but the driver now is " + client.release() + " with "
                        + client.abi().limits(), "make the plan again", null);
            }
            done("opened NVIDIA driver " + client.release() + " (layouts " + client.abi().family() + ")");
            Map<PciAddress, RmGpu> gpus = new LinkedHashMap<>();
            for (Planner.GpuPart part : plan.parts()) {
                PciAddress a = part.gpu().address();
                step = "attach GPU " + a;
                RmGpu g = client.openGpu(a);
                gpus.put(a, g);
                step = "read the virtualization mode of GPU " + a;
                int mode = g.virtualizationMode();
                if (mode != VirtualizationMode.HOST.code()) {
                    throw new NotVgpuHostException("GPU " + a + " (" + part.gpu().model() + ")", VirtualizationMode.describe(mode));
                }
                done("attached GPU " + a + ", a vGPU host");
            }
            Map<PciAddress, List<MdevType>> previous = new LinkedHashMap<>();
            Set<PciAddress> hasThemAlready = new LinkedHashSet<>(); // in the plan's order
            for (Planner.GpuPart part : plan.parts()) {
                PciAddress a = part.gpu().address();
                step = "read the types GPU " + a + " has now";
                previous.put(a, snapshot(client, gpus.get(a), part.gpu()));
                done("read the " + previous.get(a).size() + " type(s) GPU " + a + " has now");
                if (hasAlready(client, gpus.get(a), part, previous.get(a))) {
                    hasThemAlready.add(a);
                } else {
                    step = "check that no instance of GPU " + a + " would lose its type";
                    refuseIfInstances(part);
                }
            }
            List<SupportedType> published = new ArrayList<>();
            for (Planner.GpuPart part : plan.parts()) {
                PciAddress a = part.gpu().address();
                List<MdevType> types = part.types();
                if (hasThemAlready.contains(a)) {
                    done("GPU " + a + " has " + names(types) + " already, as planned: nothing sent to it");
                    LOG.debug("apply: GPU {} has its planned types already, left as it is", a);
                } else {
                    step = "register " + types.size() + " vGPU type(s) on GPU " + a;
                    journal.add(new Touched(a, previous.get(a)));
                    gpus.get(a).registerTypes(types, !plan.keep());
                    done("registered " + names(types) + " on GPU " + a + (plan.keep() ? "" : ", its earlier types discarded"));
                    LOG.info("apply: GPU {} ({}) now has types {}", a, part.gpu().model(), names(types));
                }
                if (part.sriov().isPresent()) {
                    applySriov(part, part.sriov().get());
                    step = "read back what the VFs of GPU " + a + " offer";
                    published.addAll(vfs.readBack(part));
                    continue;
                }
                step = "read back the types of GPU " + a + " from the mdev bus";
                boolean sent = !hasThemAlready.contains(a);
                published.addAll(ApplierTables.readBack(part, plan.keep(), sent ? "its earlier types are being restored" : "nothing was sent to it"));
                if (sent) done("read back " + types.size() + " type(s) of GPU " + a + " from the mdev bus");
            }
            step = "close the NVIDIA driver";
            RmClient closing = client;
            client = null;
            closing.close();
            done("closed the NVIDIA driver");
            return new ApplyResult(plan.gpus(), List.copyOf(hasThemAlready), published, steps);
        } catch (RuntimeException failure) {
            if (client != null) {
                try {
                    client.close();
                } catch (RuntimeException e) {
                    failure.addSuppressed(e);
                }
            }
            throw undo(Steps.named(CHANGE, step, failure));
        }
    }

    /** Enables the GPU's VFs and sets its mode as planned, each change journaled before it is made. */
    private void applySriov(Planner.GpuPart part, SriovPlanning sriov) {
        PciAddress a = part.gpu().address();
        if (sriov.changesVfs()) {
            step = (sriov.target() == 0 ? "disable the SR-IOV VFs" : "enable " + sriov.target() + " SR-IOV VFs") + " of GPU " + a;
            vfs.journal(a, sriov);
            host.sriovControl().enable(a, sriov.target());
            done((sriov.target() == 0 ? "disabled the SR-IOV VFs" : "enabled " + sriov.target() + " SR-IOV VFs") + " of GPU " + a);
        }
        if (sriov.changesMode()) {
            step = "set heterogeneous vGPU mode of GPU " + a;
            if (!sriov.changesVfs()) vfs.journal(a, sriov);
            host.sriovControl().heterogeneous(a, sriov.heterogeneous().orElseThrow());
            done("set heterogeneous vGPU mode " + (sriov.heterogeneous().orElseThrow() ? "on" : "off") + " on GPU " + a);
        }
    }

    private void done(String what) {
        steps.add(what);
        LOG.debug("apply: {}", what);
    }

    /**
     * Whether the GPU holds the planned types already (unless {@code keep}, and no other): then nothing is sent to it.
     * Judged on the driver's own table, which holds what the bus does not show (class, reservation, BAR1, ids), and on
     * the bus, which must show them too: a process killed between the driver taking the table and publishing it
     * leaves them unpublished, and they are registered (so published) again. Never on a release that cannot read
     * types back (510): it registers again, as it did before.
     */
    private boolean hasAlready(RmClient client, RmGpu gpu, Planner.GpuPart part, List<MdevType> table) {
        Optional<VgpuTypeCodec> codec = client.abi().vgpuTypeReader();
        if (codec.isEmpty()) return false; // 510: the bus does not show enough (the guest's ids, BAR1) to tell
        Set<MdevType> held = new HashSet<>(table);
        for (MdevType t : part.types()) {
            // the identity the driver reports, which registering fills in (RmGpu.registerTypes)
            if (!held.contains(codec.get().asHeld(t, gpu.pciId()).orElseThrow())) return false;
        }
        if (!plan.keep() && table.size() != part.types().size()) return false;
        if (part.sriov().isPresent()) return true; // no mdev bus: the VFs' read-back checks what they offer
        return plan.keep() ? busShowsAmong(part.gpu(), part.types()) : busShows(part.gpu(), part.types());
    }

    /**
     * Registering types on a GPU that has instances, unless the GPU's types are kept, would take their types from under
     * their guests. The plan says so too; this looks again under the apply lock, since instances may have been created
     * after the plan was made, or the driver's table differs from the plan in what the bus does not show.
     */
    private void refuseIfInstances(Planner.GpuPart part) {
        if (plan.keep()) return;
        List<MdevInstance> instances = part.gpu().instances();
        if (instances.isEmpty()) return;
        throw new PlanException(plan.target(), List.of(Planner.typesUnderInstances(part.gpu().address(), instances)
                + "; seen under the apply lock"), true);
    }


    /** Undoes the journal in reverse with a fresh RM client; the failure, or what could not be restored. */
    private MdevException undo(MdevException failure) {
        List<String> vfsLeft = vfs.undo(host, failure);
        if (journal.isEmpty()) {
            if (!vfsLeft.isEmpty()) return incomplete(failure, vfsLeft);
            LOG.info("apply failed before it changed anything: {}", failure.getMessage());
            return failure;
        }
        List<String> left = new ArrayList<>(vfsLeft);
        RmClient client;
        try {
            client = host.openRmClient();
        } catch (RuntimeException e) {
            failure.addSuppressed(e);
            for (Touched t : journal.reversed()) left.add("GPU " + t.gpu() + " (its earlier types " + names(t.previous()) + ")");
            return incomplete(failure, left);
        }
        try {
            for (Touched t : journal.reversed()) {
                EngineParentDevice gpu = part(t.gpu()).gpu();
                try (RmGpu g = client.openGpu(t.gpu())) {
                    List<MdevInstance> onNewTypes = onChangedTypes(client, g, part(t.gpu()), t.previous());
                    if (!onNewTypes.isEmpty()) {
                        // mdevctl's udev rule starts a parent's auto instances the moment it registers, in the middle
                        // of this apply: the earlier table would change their types under them, so it stays as it is
                        left.add("GPU " + t.gpu() + " (its earlier types " + (t.previous().isEmpty() ? "none"
                                : names(t.previous())) + ": instance(s) of its new types were created meanwhile, e.g. by "
                                + "mdevctl's auto-start: " + String.join(", ", onNewTypes.stream()
                                .map(i -> i.uuid() + " " + i.typeId()).toList()) + "; it keeps the new types)");
                        continue;
                    }
                    boolean busAsBefore = busShows(gpu, t.previous());
                    // the step may have failed before it changed anything: then the table is left alone
                    if (busAsBefore && snapshot(client, g, gpu).equals(t.previous())) {
                        LOG.info("apply undone on GPU {}: its types had not changed", t.gpu());
                        continue;
                    }
                    // an empty table is published only if the types it replaced were: publishing makes a parent
                    if (t.previous().isEmpty()) g.discardTypes(!busAsBefore);
                    else g.registerTypes(t.previous(), true);
                    requireRestored(client, g, gpu, t.previous());
                    LOG.info("apply undone on GPU {}: its earlier types are back: {}", t.gpu(),
                            t.previous().isEmpty() ? "none" : names(t.previous()));
                } catch (RuntimeException e) {
                    failure.addSuppressed(e);
                    left.add("GPU " + t.gpu() + " (its earlier types " + (t.previous().isEmpty() ? "none" : names(t.previous()))
                            + ": " + e.getMessage() + ")");
                }
            }
        } finally {
            try {
                client.close();
            } catch (RuntimeException e) {
                failure.addSuppressed(e);
                LOG.warn("closing the RM client of the undo: {}", e.getMessage());
            }
        }
        return left.isEmpty() ? failure : incomplete(failure, left);
    }


    private Planner.GpuPart part(PciAddress gpu) {
        return plan.parts().stream().filter(p -> p.gpu().address().equals(gpu)).findFirst().orElseThrow();
    }

    private HostStateException incomplete(MdevException failure, List<String> left) {
        LOG.error("apply failed ({}) and could not restore {}", failure.getMessage(), left);
        return new HostStateException(CHANGE + " (" + step + ")", plan.target(), failure.getMessage()
                + "; and undoing what was done could not restore: " + String.join("; ", left),
                "apply the earlier configuration again (after removing any instance named above), or reload the NVIDIA "
                        + "driver", failure, true);
    }
}
