package io.mdevgpu.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

import io.mdevgpu.DriverLimits;
import io.mdevgpu.MdevType;
import io.mdevgpu.PciAddress;
import io.mdevgpu.PlanException;
import io.mdevgpu.core.config.ConfigLoader;
import io.mdevgpu.core.config.GpuEntry;
import io.mdevgpu.core.config.MdevConfig;
import io.mdevgpu.core.partition.GpuCatalogue;
import io.mdevgpu.core.partition.GpuModel;
import io.mdevgpu.core.partition.InstancePlacement;
import io.mdevgpu.core.partition.PartitionPlan;
import io.mdevgpu.core.partition.PartitionPlanner;
import io.mdevgpu.core.partition.TypeFit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code mdevgpu plan -c FILE --gpu MODEL}: which of the configuration's types fit a GPU of the built-in
 * catalogue, how many instances, where they sit, and the identity a guest sees. Pure: touches no host.
 */
@Command(name = "plan", mixinStandardHelpOptions = true,
        description = "Plan a configuration on a GPU model of the built-in catalogue (touches no host).")
final class PlanCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = {"-c", "--config"}, required = true, paramLabel = "FILE", description = "TOML configuration")
    Path config;

    @Option(names = "--gpu", required = true, paramLabel = "MODEL",
            description = "GPU model from the catalogue: ${COMPLETION-CANDIDATES}", completionCandidates = ModelIds.class)
    String gpu;

    @Option(names = "--driver-limits", paramLabel = "LIMITS", defaultValue = "newest",
            description = "newest (580+: 128 types, 48 instances, 64-byte names) or pre-580 (64, 32, 32)")
    String driverLimits;

    @Option(names = "--json", description = "machine-readable output")
    boolean json;

    static final class ModelIds extends ArrayList<String> {
        ModelIds() {
            super(GpuCatalogue.all().stream().map(GpuModel::id).toList());
        }
    }

    @Override
    public Integer call() {
        MdevConfig cfg = ConfigLoader.load(config);
        GpuModel model = GpuCatalogue.get(gpu);
        DriverLimits limits = switch (driverLimits.toLowerCase(Locale.ROOT)) {
            case "newest" -> DriverLimits.NEWEST;
            case "pre-580" -> DriverLimits.PRE_580;
            default -> throw new io.mdevgpu.ValidationException("--driver-limits", driverLimits, "newest or pre-580");
        };
        List<MdevType> types = typesFor(cfg, model);
        PartitionPlan plan = PartitionPlanner.of(limits).plan(model, types);
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(JsonMapper.builder().build().writerWithDefaultPrettyPrinter().writeValueAsString(toJson(plan)));
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
        out.printf("%-12s %-22s %-9s %-10s %-22s %-7s %-22s %s%n", "TYPE", "NAME", "INSTANCES", "CLASS",
                "FRAMEBUFFER+RESERVED", "BAR1", "GUEST PCI ID", "LIMITED BY");
        for (TypeFit fit : plan.types()) {
            MdevType t = fit.type();
            out.printf("%-12s %-22s %-9s %-10s %-22s %-7s %-22s %s%n", t.sysfsName(), '"' + t.name() + '"',
                    fit.capacity() + "/" + t.maxInstances(), t.gpuClass(), t.framebuffer() + "+" + t.reserved(),
                    fit.bar1Window(), fit.guestPciId(), fit.limitedBy().name().toLowerCase(Locale.ROOT).replace('_', ' '));
        }
        out.println();
        out.println("placement (each type alone on the GPU):");
        for (TypeFit fit : plan.types()) {
            for (InstancePlacement p : fit.placements()) {
                out.println("  " + p);
            }
        }
        out.println();
        out.println(plan.fits() ? "fits: every type fits with all its instances" : "does not fit:");
        for (String reason : plan.reasons()) {
            out.println("  - " + reason);
        }
    }

    private static Map<String, Object> toJson(PartitionPlan plan) {
        GpuModel m = plan.gpu();
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("gpu", Map.of("id", m.id(), "name", m.name(), "pci_id", m.pciId().toString(),
                "framebuffer_mib", m.framebuffer().toMiB(), "bar1_bytes", m.bar1().bytes()));
        root.put("limits", Map.of("max_types", plan.limits().maxTypesPerGpu(), "max_instances",
                plan.limits().maxInstancesPerGpu(), "string_buffer_bytes", plan.limits().stringBufferBytes()));
        List<Object> types = new ArrayList<>();
        for (TypeFit fit : plan.types()) {
            MdevType t = fit.type();
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("type", t.sysfsName());
            o.put("name", t.name());
            o.put("class", t.gpuClass());
            o.put("max_instances", t.maxInstances());
            o.put("instances_that_fit", fit.capacity());
            o.put("limited_by", fit.limitedBy().name().toLowerCase(Locale.ROOT));
            o.put("framebuffer_mib", t.framebuffer().toMiB());
            o.put("reserved_mib", t.reserved().toMiB());
            o.put("bar1_bytes", fit.bar1Window().bytes());
            o.put("guest_vendor", String.format("0x%04x", fit.guestPciId().vendor()));
            o.put("guest_device", String.format("0x%04x", fit.guestPciId().device()));
            o.put("guest_subsystem_vendor", String.format("0x%04x", fit.guestPciId().subsystemVendor()));
            o.put("guest_subsystem_device", String.format("0x%04x", fit.guestPciId().subsystemDevice()));
            List<Object> placements = new ArrayList<>();
            for (InstancePlacement p : fit.placements()) {
                placements.add(Map.of("instance", p.instance(), "framebuffer_offset", p.framebufferOffset().bytes(),
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
