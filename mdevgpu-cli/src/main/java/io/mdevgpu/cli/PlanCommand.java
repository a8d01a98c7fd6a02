package io.mdevgpu.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.mdevgpu.DriverLimits;
import io.mdevgpu.MdevType;
import io.mdevgpu.MdevHost;
import io.mdevgpu.Plan;
import io.mdevgpu.PlanException;
import io.mdevgpu.ValidationException;
import io.mdevgpu.core.config.ConfigLoader;
import io.mdevgpu.core.config.GpuEntry;
import io.mdevgpu.core.config.MdevConfig;
import io.mdevgpu.core.partition.GpuCatalogue;
import io.mdevgpu.core.partition.GpuModel;
import io.mdevgpu.core.partition.InstancePlacement;
import io.mdevgpu.core.partition.PartitionPlan;
import io.mdevgpu.core.partition.PartitionPlanner;
import io.mdevgpu.core.partition.TypeFit;

/**
 * {@code mdevgpu plan -c FILE}: what applying a configuration to the host would do, per GPU: the types, how many
 * instances fit and why not more, the guest's identity, and the changes from what the driver has now. With
 * {@code --gpu MODEL} the plan is made for a GPU model of the built-in catalogue instead, with the placement of every
 * instance. Pure either way: nothing changes on the host.
 */
final class PlanCommand implements Verb {
    static final VerbSpec SPEC = VerbSpec.verb("plan")
            .description("Plan a configuration on the host's GPUs, or with --gpu on a GPU model of the built-in "
                    + "catalogue; changes nothing.")
            .requiredOption("-c", "--config", "FILE", "TOML configuration")
            // the catalogue is read only when the usage is printed
            .option("--gpu", "MODEL", () -> "plan for a GPU model of the catalogue instead of the host: "
                    + String.join(", ", GpuCatalogue.all().stream().map(GpuModel::id).toList()))
            .option("--driver-limits", "LIMITS", "with --gpu: newest (580+: 128 types, 48 instances, 64-byte names; "
                    + "the default) or pre-580 (64, 32, 32)")
            .flag("-k", "--keep", "keep the types the GPUs already have (host mode)")
            .build();

    private final Path config;
    private final String gpu;
    private final String driverLimits;
    private final boolean keep;

    PlanCommand(Args args) {
        config = args.value("--config", Path::of);
        gpu = args.value("--gpu");
        driverLimits = args.value("--driver-limits");
        keep = args.flag("--keep");
    }

    @Override
    public int run(Invocation invocation) {
        PrintWriter out = invocation.out();
        if (gpu == null) {
            if (driverLimits != null) {
                throw new ValidationException("--driver-limits", driverLimits,
                        "only with --gpu MODEL; on a host the running driver's limits apply");
            }
            try (MdevHost host = invocation.openHost()) {
                return printed(out, invocation.json(), host.plan(config, keep));
            }
        }
        return catalogue(out, invocation.json());
    }

    /**
     * Prints a host plan; exits 3 (PlanException, the problems on stderr) when it does not fit.
     */
    static int printed(PrintWriter out, boolean json, Plan plan) {
        if (json) {
            Json.print(out, toJson(plan));
        } else {
            print(out, plan);
        }
        out.flush();
        if (!plan.fits()) {
            throw new PlanException("plan", plan.problems());
        }
        return Main.OK;
    }

    static void print(PrintWriter out, Plan plan) {
        for (Plan.GpuPlan g : plan.gpus()) {
            out.println("GPU " + g.address() + " " + g.model());
            Table table = new Table("TYPE", "NAME", "CLASS", "INSTANCES", "FRAMEBUFFER+RESERVED", "GUEST PCI ID", "LIMITED BY");
            for (Plan.TypePlan t : g.types()) {
                MdevType type = t.type();
                table.row(type.sysfsName(), '"' + type.name() + '"', type.gpuClass(), t.instancesThatFit() + "/" + type.maxInstances(),
                        type.framebuffer() + "+" + type.reserved(), t.guestId(), t.limitedBy());
            }
            table.print(out, "  ");
            if (!g.changes().isEmpty()) {
                out.println("  changes:");
                g.changes().forEach(change -> out.println("    - " + change));
            }
            out.println();
        }
        if (plan.gpus().isEmpty()) {
            out.println("no GPU of the host matches the configuration's filters");
        }
        notes(out, plan.notes());
        verdict(out, plan.fits(), plan.problems());
    }

    static Map<String, Object> toJson(Plan plan) {
        return Json.object("fits", plan.fits(), "problems", plan.problems(), "notes", plan.notes(), "gpus", gpusJson(plan.gpus()));
    }

    /** Each GPU of a plan: its types with the instances that fit and the guest's identity, and the changes. */
    static List<Object> gpusJson(List<Plan.GpuPlan> plans) {
        List<Object> gpus = new ArrayList<>();
        for (Plan.GpuPlan g : plans) {
            List<Object> types = new ArrayList<>();
            for (Plan.TypePlan t : g.types()) {
                Map<String, Object> o = Views.type(t.type());
                o.put("instances_that_fit", t.instancesThatFit());
                o.put("limited_by", t.limitedBy());
                Views.pciId(o, "guest_", t.guestId());
                types.add(o);
            }
            gpus.add(Json.object("address", g.address().toString(), "model", g.model(), "types", types, "changes", g.changes()));
        }
        return gpus;
    }

    private int catalogue(PrintWriter out, boolean json) {
        if (keep) {
            throw new ValidationException("--keep", "with --gpu", "a catalogue GPU has no types to keep; --keep plans on the host");
        }
        MdevConfig cfg = ConfigLoader.load(config);
        GpuModel model = GpuCatalogue.get(gpu);
        DriverLimits limits = switch (driverLimits == null ? "newest" : driverLimits.toLowerCase(Locale.ROOT)) {
            case "newest" -> DriverLimits.NEWEST;
            case "pre-580" -> DriverLimits.PRE_580;
            default -> throw new ValidationException("--driver-limits", driverLimits, "newest or pre-580");
        };
        List<MdevType> types = typesFor(cfg, model);
        PartitionPlan plan = PartitionPlanner.of(limits).plan(model, types);
        if (json) {
            Json.print(out, toJson(plan));
        } else {
            print(out, plan);
        }
        if (!plan.fits()) {
            throw new PlanException("GPU model " + model.id() + " (" + config + ")", plan.reasons());
        }
        return Main.OK;
    }

    /**
     * The types of every entry whose filter can match this model. A catalogue model has no bus address, so address
     * fields of a filter are not checked here; identity fields (vendor, device, subsystem) are.
     */
    static List<MdevType> typesFor(MdevConfig cfg, GpuModel model) {
        List<MdevType> types = new ArrayList<>();
        for (GpuEntry entry : cfg.gpus()) {
            var f = entry.filter();
            boolean identity = f.vendor().stream().allMatch(v -> v == model.pciId().vendor())
                    && f.device().stream().allMatch(v -> v == model.pciId().device())
                    && f.subsystemVendor().stream().allMatch(v -> v == model.pciId().subsystemVendor())
                    && f.subsystemDevice().stream().allMatch(v -> v == model.pciId().subsystemDevice());
            if (identity) types.addAll(entry.types());
        }
        return types;
    }

    private static void print(PrintWriter out, PartitionPlan plan) {
        GpuModel m = plan.gpu();
        out.printf("GPU %s: %s, %s, framebuffer %s, BAR0 %s, BAR1 %s, BAR3 %s%n", m.id(), m.name(), m.pciId(),
                m.framebuffer(), m.bar0(), m.bar1(), m.bar3());
        out.printf("driver limits: %s%n%n", plan.limits());
        Table table = new Table("TYPE", "NAME", "CLASS", "INSTANCES", "FRAMEBUFFER+RESERVED", "BAR1", "GUEST PCI ID", "LIMITED BY");
        for (TypeFit fit : plan.types()) {
            MdevType t = fit.type();
            table.row(t.sysfsName(), '"' + t.name() + '"', t.gpuClass(), fit.capacity() + "/" + t.maxInstances(),
                    t.framebuffer() + "+" + t.reserved(), fit.bar1Window(), fit.guestPciId(),
                    fit.limitedBy().name().toLowerCase(Locale.ROOT).replace('_', ' '));
        }
        table.print(out);
        out.println();
        out.println("placement (each type alone on the GPU):");
        for (TypeFit fit : plan.types()) {
            for (InstancePlacement p : fit.placements()) {
                out.println("  " + p);
            }
        }
        out.println();
        verdict(out, plan.fits(), plan.reasons());
    }

    /** What the plan leaves alone and why (a GPU an unfiltered entry skips because the types do not fit it). */
    static void notes(PrintWriter out, List<String> notes) {
        notes.forEach(note -> out.println("note: " + note));
    }

    /** The last lines of a plan: it fits, or why not. */
    private static void verdict(PrintWriter out, boolean fits, List<String> problems) {
        out.println(fits ? "fits: every type fits with all its instances" : "does not fit:");
        problems.forEach(problem -> out.println("  - " + problem));
    }

    private static Map<String, Object> toJson(PartitionPlan plan) {
        GpuModel m = plan.gpu();
        Map<String, Object> root = Json.object();
        root.put("gpu", Json.object("id", m.id(), "name", m.name(), "pci_id", m.pciId().toString(),
                "framebuffer_mib", m.framebuffer().toMiB(), "bar1_bytes", m.bar1().bytes()));
        root.put("limits", Json.object("max_types", plan.limits().maxTypesPerGpu(), "max_instances",
                plan.limits().maxInstancesPerGpu(), "string_buffer_bytes", plan.limits().stringBufferBytes()));
        List<Object> types = new ArrayList<>();
        for (TypeFit fit : plan.types()) {
            Map<String, Object> o = Views.type(fit.type());
            o.put("instances_that_fit", fit.capacity());
            o.put("limited_by", fit.limitedBy().name().toLowerCase(Locale.ROOT));
            o.put("bar1_bytes", fit.bar1Window().bytes());
            Views.pciId(o, "guest_", fit.guestPciId());
            List<Object> placements = new ArrayList<>();
            for (InstancePlacement p : fit.placements()) {
                placements.add(Json.object("instance", p.instance(), "framebuffer_offset", p.framebufferOffset().bytes(),
                        "framebuffer_size", p.framebufferSize().bytes(), "bar1_size", p.bar1Size().bytes()));
            }
            o.put("placements", placements);
            o.put("reasons", fit.reasons());
            types.add(o);
        }
        root.put("types", types);
        root.put("fits", plan.fits());
        root.put("reasons", plan.reasons());
        return root;
    }
}
