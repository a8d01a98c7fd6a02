package io.mdevgpu.core.host;

import io.mdevgpu.DriverLimits;
import io.mdevgpu.MdevException;
import io.mdevgpu.MdevInstance;
import io.mdevgpu.MdevType;
import io.mdevgpu.PciAddress;
import io.mdevgpu.PciId;
import io.mdevgpu.PermissionDeniedException;
import io.mdevgpu.Plan.GpuPlan;
import io.mdevgpu.Plan.TypePlan;
import io.mdevgpu.UnsupportedDriverException;
import io.mdevgpu.ValidationException;
import io.mdevgpu.core.config.GpuEntry;
import io.mdevgpu.core.config.MdevConfig;
import io.mdevgpu.core.partition.CapacityLimit;
import io.mdevgpu.core.partition.GpuModel;
import io.mdevgpu.core.partition.PartitionPlan;
import io.mdevgpu.core.partition.PartitionPlanner;
import io.mdevgpu.core.partition.TypeFit;
import io.mdevgpu.core.pci.GuestConfigSpace;
import io.mdevgpu.kernel.abi.nvrm.NvrmAbi;
import io.mdevgpu.kernel.abi.nvrm.NvrmRelease;
import io.mdevgpu.kernel.abi.nvrm.VirtualizationMode;
import io.mdevgpu.kernel.mdev.MdevTypeInfo;
import io.mdevgpu.kernel.nvrm.RmClient;
import io.mdevgpu.kernel.nvrm.RmGpu;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Makes plans, reading the host and changing nothing: which GPUs each configuration entry applies to, how the types
 * fit each GPU under the running driver's limits, what a guest of each type sees, and how that differs from the
 * types the mdev bus shows now.
 *
 * <p>Matching. Every entry must match at least one NVIDIA GPU, and no GPU may be matched by two entries (the
 * predecessor silently kept the last entry's types); both are {@link io.mdevgpu.ConfigException}s at the entry's
 * filter. A filter that matches only display devices that are not NVIDIA's is one too; an entry without a filter
 * ("every GPU") leaves other vendors' display devices alone, and also every NVIDIA GPU its types do not fit, with a
 * note saying why: so one profile serves a host of mixed GPUs (the Ampere types on the A100s, not on the T4). An
 * entry with a filter must fit every GPU it matches.
 */
final class Planner {
    private static final Logger LOG = LoggerFactory.getLogger(Planner.class);

    private Planner() {
    }

    /** What the running driver allows, and what is wrong with it for registering types. */
    record Driver(Optional<NvrmRelease> release, DriverLimits limits, List<String> problems) {
        static Driver of(EngineHost host) {
            Optional<NvrmRelease> release;
            try {
                release = host.release();
            } catch (PermissionDeniedException e) {
                return new Driver(Optional.empty(), DriverLimits.NEWEST, List.of(e.getMessage()
                        + "; until then types are checked against the newest driver's limits"));
            }
            if (release.isEmpty()) {
                return new Driver(release, DriverLimits.NEWEST, List.of("no NVIDIA driver is loaded ("
                        + host.kernel().nvidiaVersionFile() + " cannot be read): types are checked against the newest "
                        + "driver's limits, and applying needs NVIDIA's vGPU host driver"));
            }
            NvrmAbi abi;
            try {
                abi = release.get().abi();
            } catch (UnsupportedDriverException e) {
                return new Driver(release, DriverLimits.NEWEST, List.of(e.getMessage()));
            }
            if (abi.vgpuTypes().isEmpty()) {
                return new Driver(release, abi.limits(), List.of("NVIDIA driver " + release.get() + " (layouts " + abi.family()
                        + ") has no vGPU type layout: types cannot be registered with it; use a vGPU host driver of "
                        + "another release"));
            }
            return new Driver(release, abi.limits(), List.of());
        }

        /**
         * Whether the driver can read its types back (not 510): only then can apply tell that a GPU holds the planned
         * types already, since the bus does not show all of a type (the guest's ids, BAR1).
         */
        boolean readsTypesBack() {
            return problems.isEmpty() && release.orElseThrow().abi().vgpuTypeReader().isPresent();
        }
    }

    /** One GPU's part of a plan, and whether it fits on its own (before what the driver or host state adds). */
    record GpuPart(EngineParentDevice gpu, List<MdevType> types, GpuPlan plan, List<String> fitProblems,
                   List<String> stateProblems) {
    }

    static EnginePlan plan(EngineHost host, MdevConfig config) {
        host.requireOpen();
        List<EngineParentDevice> gpus = host.gpus().stream().map(g -> (EngineParentDevice) g).toList();
        Driver driver = Driver.of(host);
        Map<PciAddress, Integer> claimedBy = new LinkedHashMap<>();
        List<List<EngineParentDevice>> matchesOf = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        for (int i = 0; i < config.gpus().size(); i++) {
            GpuEntry entry = config.gpus().get(i);
            boolean everyGpu = entry.filter().matchesEverything();
            String at = everyGpu ? "gpu[" + i + "]" : "gpu[" + i + "].filter";
            List<EngineParentDevice> matches = gpus.stream().filter(g -> entry.matches(g.address(), g.id())).toList();
            if (matches.isEmpty()) {
                throw config.error(at, (everyGpu ? "this entry applies to every GPU, but " : entry.filter() + " matches no GPU: ")
                        + "the " + host.spec() + " has " + (gpus.isEmpty() ? "no display devices"
                        : "these GPUs: " + String.join("; ", gpus.stream().map(Planner::describe).toList())));
            }
            List<EngineParentDevice> nvidia = matches.stream().filter(g -> g.id().vendor() == PciId.NVIDIA).toList();
            if (nvidia.isEmpty()) {
                throw config.error(at, entry.filter() + " matches only display devices that are not NVIDIA GPUs ("
                        + String.join("; ", matches.stream().map(Planner::describe).toList())
                        + "); mdevgpu registers vGPU types on NVIDIA GPUs only");
            }
            for (EngineParentDevice other : matches) {
                if (other.id().vendor() != PciId.NVIDIA) {
                    notes.add("gpu[" + i + "] leaves " + describe(other) + " alone: it is not an NVIDIA GPU");
                }
            }
            for (EngineParentDevice g : nvidia) {
                Integer earlier = claimedBy.putIfAbsent(g.address(), i);
                if (earlier != null) {
                    throw config.error(at, "matches GPU " + g.address() + ", which gpu[" + earlier + "] matches too; a GPU "
                            + "takes the types of one entry (the predecessor kept only the last one's): narrow one of "
                            + "the filters, e.g. filter = { bus = 0x" + Integer.toHexString(g.address().bus()) + " }");
                }
            }
            matchesOf.add(nvidia);
        }

        List<GpuPart> parts = new ArrayList<>();
        List<String> problems = new ArrayList<>(driver.problems());
        for (int i = 0; i < config.gpus().size(); i++) {
            GpuEntry entry = config.gpus().get(i);
            boolean everyGpu = entry.filter().matchesEverything();
            int taken = 0;
            List<String> skipped = new ArrayList<>();
            for (EngineParentDevice g : matchesOf.get(i)) {
                GpuPart part = gpu(host, g, entry.types(), config.keep(), driver);
                if (everyGpu && !part.fitProblems().isEmpty()) {
                    String prefix = "GPU " + g.address() + ": ";
                    // the first reason only: a note is one line; `mdevgpu plan --gpu` and Plan.gpus() give them all
                    List<String> why = part.fitProblems().stream()
                            .map(p -> p.startsWith(prefix) ? p.substring(prefix.length()) : p).toList();
                    notes.add("gpu[" + i + "] has no filter and leaves " + describe(g) + " alone: its types do not fit it ("
                            + why.getFirst() + (why.size() > 1 ? "; and " + (why.size() - 1) + " more" : "") + ")");
                    skipped.add(describe(g));
                    continue;
                }
                taken++;
                parts.add(part);
                problems.addAll(part.fitProblems());
                problems.addAll(part.stateProblems());
            }
            if (taken == 0) {
                problems.add("gpu[" + i + "]: its types fit none of the GPUs it applies to (" + String.join("; ", skipped)
                        + "): see the notes for why");
            }
        }
        parts.sort((a, b) -> a.gpu().address().compareTo(b.gpu().address()));
        if (driver.problems().isEmpty()) notes.addAll(notVgpuHosts(host, parts));
        String target = config.source().map(p -> "configuration " + p).orElse("configuration") + " on the " + host.spec();
        return new EnginePlan(host, target, config.keep(), driver, parts, problems, notes);
    }

    /**
     * A note for each planned GPU whose driver reports a virtualization mode other than HOST (bare metal, a
     * pass-through guest, as the real H100 showed): the plan fits, but apply will be refused there
     * ({@link io.mdevgpu.NotVgpuHostException}) before it changes anything, and the operator should know before. Read
     * through the RM API, as apply reads it; when the driver cannot be asked (no permission, a failing call) there is
     * no note, only a debug line: planning does not depend on it.
     */
    private static List<String> notVgpuHosts(EngineHost host, List<GpuPart> parts) {
        if (parts.isEmpty()) return List.of();
        List<String> notes = new ArrayList<>();
        try (RmClient rm = host.openRmClient()) {
            for (GpuPart part : parts) {
                PciAddress a = part.gpu().address();
                try (RmGpu gpu = rm.openGpu(a)) {
                    int mode = gpu.virtualizationMode();
                    if (mode != VirtualizationMode.HOST.code()) {
                        notes.add("GPU " + a + " (" + part.gpu().model() + ") is not a vGPU host: the driver reports "
                                + "virtualization mode " + VirtualizationMode.describe(mode) + ", so apply will be refused "
                                + "there before it changes anything; NVIDIA's vGPU host driver (mode HOST) takes vGPU types");
                    }
                } catch (MdevException e) {
                    LOG.debug("plan: the virtualization mode of GPU {} could not be read: {}", a, e.getMessage());
                }
            }
        } catch (MdevException e) {
            LOG.debug("plan: the NVIDIA driver could not be asked for virtualization modes: {}", e.getMessage());
        }
        return notes;
    }

    /** {@link io.mdevgpu.ParentDevice#plan}: {@code types} replace the GPU's table. */
    static EnginePlan plan(EngineHost host, EngineParentDevice gpu, List<MdevType> types) {
        host.requireOpen();
        if (types.isEmpty()) {
            throw new ValidationException("types for " + gpu.address(), "[]", "at least one type: a GPU's table is set by registering types");
        }
        Driver driver = Driver.of(host);
        List<String> problems = new ArrayList<>(driver.problems());
        if (gpu.id().vendor() != PciId.NVIDIA) {
            problems.add(describe(gpu) + " is not an NVIDIA GPU; mdevgpu registers vGPU types on NVIDIA GPUs only");
        }
        GpuPart part = gpu(host, gpu, types, false, driver);
        problems.addAll(part.fitProblems());
        problems.addAll(part.stateProblems());
        List<String> notes = problems.isEmpty() ? notVgpuHosts(host, List.of(part)) : List.of();
        return new EnginePlan(host, "GPU " + gpu.address() + " (" + gpu.model() + ")", false, driver, List.of(part),
                problems, notes);
    }

    private static GpuPart gpu(EngineHost host, EngineParentDevice gpu, List<MdevType> types, boolean keep, Driver driver) {
        PciAddress address = gpu.address();
        List<String> fit = new ArrayList<>();
        List<String> state = new ArrayList<>();
        List<TypePlan> typePlans = new ArrayList<>();
        GpuModel model = null;
        try {
            model = GpuModel.of(address.toString(), gpu.model(), gpu.id(), gpu.classCode(), gpu.revision(), gpu.framebuffer(),
                    gpu.device().resources());
        } catch (ValidationException e) {
            fit.add("GPU " + address + ": " + (gpu.framebuffer().isZero()
                    ? "its framebuffer is not known (a model the catalogue does not have), so nothing can be placed on it"
                    : e.getMessage()));
        }
        if (model != null) {
            PartitionPlan partition = PartitionPlanner.of(driver.limits()).plan(model, types);
            for (TypeFit f : partition.types()) {
                typePlans.add(new TypePlan(f.type(), f.guestPciId(), f.capacity(), words(f.limitedBy())));
            }
            for (String reason : partition.reasons()) fit.add("GPU " + address + ": " + reason);
        } else {
            for (MdevType t : types) {
                typePlans.add(new TypePlan(t, GuestConfigSpace.guestPciId(gpu.id(), t), 0, "unknown framebuffer"));
            }
        }

        List<MdevTypeInfo> current = gpu.typeInfos();
        List<MdevInstance> instances = gpu.instances();
        List<String> changes = new ArrayList<>();
        Set<String> planned = new HashSet<>();
        for (MdevType t : types) {
            planned.add(t.sysfsName());
            Optional<MdevTypeInfo> now = current.stream().filter(c -> c.id().equals(t.sysfsName())).findFirst();
            String what = t.sysfsName() + " \"" + t.name() + "\" (" + t.maxInstances() + " x " + t.framebuffer() + ")";
            if (now.isEmpty()) {
                changes.add("add " + what);
            } else if (sameAsShown(now.get(), t)) {
                changes.add("keep " + what + ", unchanged");
            } else if (keep) {
                state.add("GPU " + address + ": " + t.sysfsName() + " is registered already as \"" + now.get().name().orElse("")
                        + "\" (" + now.get().description().orElse("") + ") and keep = true: the driver keeps a number it "
                        + "has and would not take the new definition; use keep = false or another number");
            } else {
                changes.add("replace " + t.sysfsName() + " \"" + now.get().name().orElse("") + "\" by " + what);
            }
        }
        List<MdevTypeInfo> others = current.stream().filter(c -> !planned.contains(c.id())).toList();
        for (MdevTypeInfo c : others) {
            changes.add((keep ? "keep " : "discard ") + c.id() + " \"" + c.name().orElse("") + "\"");
        }
        if (keep && others.size() + types.size() > driver.limits().maxTypesPerGpu()) {
            state.add("GPU " + address + ": it has " + others.size() + " other types and keep = true, so it would hold "
                    + (others.size() + types.size()) + " types; the driver allows " + driver.limits().maxTypesPerGpu());
        }
        // a GPU that shows the planned table already is left as it is (apply checks the driver's own table, which
        // holds what the bus does not show): so applying again, as a unit restarted at boot does, spares its guests
        if (!keep && !instances.isEmpty() && !(driver.readsTypesBack() && showsAlready(current, types))) {
            state.add(typesUnderInstances(address, instances));
        }
        GpuPlan plan = new GpuPlan(address, gpu.model(), List.copyOf(typePlans), List.copyOf(changes));
        return new GpuPart(gpu, List.copyOf(types), plan, List.copyOf(fit), List.copyOf(state));
    }

    /** Why a GPU's types are not replaced while it has {@code instances}. */
    static String typesUnderInstances(PciAddress gpu, List<MdevInstance> instances) {
        return "GPU " + gpu + " has " + instances.size() + " mdev instance(s) (" + String.join(", ",
                instances.stream().map(i -> i.uuid() + " " + i.typeId()).toList()) + "): replacing its types would "
                + "take them from under a guest; remove them first, or keep the GPU's types (keep = true)";
    }

    /** Whether the bus shows exactly {@code types}, each with its name and description as registering it would. */
    private static boolean showsAlready(List<MdevTypeInfo> shown, List<MdevType> types) {
        return shown.size() == types.size() && types.stream().allMatch(t -> shown.stream()
                .anyMatch(s -> s.id().equals(t.sysfsName()) && sameAsShown(s, t)));
    }

    /** Whether the bus shows {@code t} exactly as registering it would: its name and NVIDIA's description. */
    static boolean sameAsShown(MdevTypeInfo shown, MdevType t) {
        return shown.name().orElse("").equals(t.name()) && shown.description().orElse("").equals(t.sysfsDescription());
    }

    static String words(CapacityLimit limit) {
        return switch (limit) {
            case ADVERTISED -> "max_instances";
            case DRIVER_INSTANCE_LIMIT -> "the driver's instances per GPU";
            case FRAMEBUFFER -> "framebuffer";
            case BAR1 -> "BAR1 aperture";
            case REJECTED -> "rejected by the driver";
        };
    }

    static String describe(EngineParentDevice g) {
        return g.address() + " " + g.model() + " " + g.id();
    }
}
