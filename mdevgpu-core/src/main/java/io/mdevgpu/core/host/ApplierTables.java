package io.mdevgpu.core.host;

import io.mdevgpu.Display;
import io.mdevgpu.HostStateException;
import io.mdevgpu.MdevInstance;
import io.mdevgpu.MdevType;
import io.mdevgpu.MdevTypeBuilder;
import io.mdevgpu.PciAddress;
import io.mdevgpu.Size;
import io.mdevgpu.SupportedType;
import io.mdevgpu.ValidationException;
import io.mdevgpu.kernel.abi.nvrm.VgpuTypeCodec;
import io.mdevgpu.kernel.mdev.MdevTypeInfo;
import io.mdevgpu.kernel.mdev.NvidiaTypeDescription;
import io.mdevgpu.kernel.nvrm.RmClient;
import io.mdevgpu.kernel.nvrm.RmGpu;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;

/**
 * The {@link Applier}'s reading and comparing of a GPU's type table: the snapshot for the journal (the driver's own
 * table, or on 510 the mdev bus's), the read-back after registering and after an undo, and what the bus shows.
 */
final class ApplierTables {
    // logs under the Applier's name, as before the split: one logger to configure for an apply
    private static final Logger LOG = LoggerFactory.getLogger(Applier.class);

    private ApplierTables() {
    }

    static String names(List<MdevType> types) {
        return String.join(", ", types.stream().map(MdevType::sysfsName).toList());
    }

    /**
     * The GPU's present table as the driver holds it; on a release that cannot read types back (510), as the mdev bus
     * shows them, which misses what the bus does not show (class, reservation, BAR1, ids): the undo then restores
     * them as well as it can, and says so.
     */
    static List<MdevType> snapshot(RmClient client, RmGpu g, EngineParentDevice gpu) {
        if (client.abi().vgpuTypeReader().isPresent()) {
            List<MdevType> table = new ArrayList<>();
            for (int number : g.supportedTypes()) g.readType(number).ifPresent(table::add);
            return List.copyOf(table);
        }
        List<MdevType> shown = new ArrayList<>();
        for (MdevTypeInfo t : gpu.typeInfos()) {
            fromBus(t).ifPresent(shown::add);
        }
        if (!shown.isEmpty()) {
            LOG.warn("driver {} cannot read vGPU types back: should apply fail, GPU {}'s earlier types {} are restored as "
                    + "the mdev bus shows them (name, framebuffer, display, instances; class, reservation and BAR1 "
                    + "at their defaults)", client.release(), gpu.address(), names(shown));
        }
        return List.copyOf(shown);
    }

    static Optional<MdevType> fromBus(MdevTypeInfo t) {
        Optional<NvidiaTypeDescription> d = t.nvidia();
        if (d.isEmpty() || !t.id().matches("nvidia-\\d{1,10}")) return Optional.empty();
        try {
            NvidiaTypeDescription n = d.get();
            return Optional.of(MdevTypeBuilder.number(Integer.parseInt(t.id().substring("nvidia-".length())))
                    .name(t.name().orElse(MdevType.DEFAULT_NAME)).maxInstances(Math.max(1, n.maxInstance()))
                    .framebuffer(n.framebuffer()).reserved(Size.ZERO)
                    .display(new Display(Math.max(1, n.numHeads()), n.maxResolutionX(), n.maxResolutionY(),
                            Math.max(1, n.frlConfig()), false))
                    .build());
        } catch (ValidationException | NumberFormatException e) {
            LOG.warn("type {} of {} cannot be restored from what the mdev bus shows: {}", t.id(), t.parent(), e.getMessage());
            return Optional.empty();
        }
    }

    /**
     * Every planned type on the bus, with its name, NVIDIA's description and its instances available; {@code after}
     * says what happens to the GPU when they are not (restored only if this apply changed it).
     */
    static List<SupportedType> readBack(Planner.GpuPart part, boolean keep, String after) {
        PciAddress a = part.gpu().address();
        List<MdevTypeInfo> shown = part.gpu().typeInfos();
        boolean hasInstances = shown.stream().anyMatch(t -> !t.devices().isEmpty());
        List<String> wrong = new ArrayList<>();
        List<SupportedType> out = new ArrayList<>();
        for (int i = 0; i < part.types().size(); i++) {
            MdevType t = part.types().get(i);
            int fit = part.plan().types().get(i).instancesThatFit();
            Optional<MdevTypeInfo> info = shown.stream().filter(s -> s.id().equals(t.sysfsName())).findFirst();
            if (info.isEmpty()) {
                wrong.add(t.sysfsName() + " is missing");
                continue;
            }
            MdevTypeInfo s = info.get();
            if (!Planner.sameAsShown(s, t)) {
                wrong.add(t.sysfsName() + " shows \"" + s.name().orElse("") + "\" (" + s.description().orElse("")
                        + "), not \"" + t.name() + "\" (" + t.sysfsDescription() + ")");
            }
            if (hasInstances ? s.availableInstances() > fit : s.availableInstances() != fit) {
                wrong.add(t.sysfsName() + " has " + s.availableInstances() + " instances available, not " + fit);
            }
            out.add(EngineParentDevice.supported(s));
        }
        if (!keep) {
            for (MdevTypeInfo s : shown) {
                if (part.types().stream().noneMatch(t -> t.sysfsName().equals(s.id())) && s.devices().isEmpty()) {
                    wrong.add(s.id() + " is still there, though the earlier types were discarded");
                }
            }
        }
        if (!wrong.isEmpty()) {
            throw new HostStateException("read back", "GPU " + a, "the mdev bus does not show what was registered: "
                    + String.join("; ", wrong), "see the kernel log; " + after, null);
        }
        return out;
    }

    /**
     * Reads the table back after an undo (the driver's own; on 510 the bus's): what the driver answered is not taken
     * for done. A table other than {@code expected} is a {@link HostStateException} naming the GPU, both tables.
     */
    static void requireRestored(RmClient client, RmGpu g, EngineParentDevice gpu, List<MdevType> expected) {
        List<MdevType> found = snapshot(client, g, gpu);
        if (found.size() == expected.size() && new HashSet<>(found).equals(new HashSet<>(expected))) return;
        throw new HostStateException("read back the restored types of", "GPU " + gpu.address(), "the driver answered "
                + "the restore but holds another table: expected " + (expected.isEmpty() ? "none" : names(expected))
                + ", found " + (found.isEmpty() ? "none" : names(found)), null, null);
    }

    /**
     * The instances on the GPU whose type the earlier table {@code previous} would change: one it did not have, or
     * had under another definition (compared as the driver holds types; on 510, which cannot say, any planned type
     * counts as changed).
     */
    static List<MdevInstance> onChangedTypes(RmClient client, RmGpu g, Planner.GpuPart part, List<MdevType> previous) {
        Optional<VgpuTypeCodec> codec = client.abi().vgpuTypeReader();
        List<MdevInstance> out = new ArrayList<>();
        for (MdevInstance i : part.gpu().instances()) {
            Optional<MdevType> before = previous.stream().filter(t -> t.sysfsName().equals(i.typeId())).findFirst();
            Optional<MdevType> planned = part.types().stream().filter(t -> t.sysfsName().equals(i.typeId())).findFirst();
            boolean changed = before.isEmpty() || planned.isPresent() && (codec.isEmpty()
                    || !codec.get().asHeld(planned.get(), g.pciId()).orElseThrow().equals(before.get()));
            if (changed) out.add(i);
        }
        return out;
    }

    /** Whether the mdev bus shows exactly {@code types} on {@code gpu} (ids and names), as before the change. */
    static boolean busShows(EngineParentDevice gpu, List<MdevType> types) {
        return gpu.typeInfos().size() == types.size() && busShowsAmong(gpu, types);
    }

    /** Whether the mdev bus shows each of {@code types} on {@code gpu} (id and name), maybe among others. */
    static boolean busShowsAmong(EngineParentDevice gpu, List<MdevType> types) {
        List<MdevTypeInfo> shown = gpu.typeInfos();
        return types.stream().allMatch(t -> shown.stream()
                .anyMatch(s -> s.id().equals(t.sysfsName()) && s.name().orElse("").equals(t.name())));
    }
}
