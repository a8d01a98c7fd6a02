package io.mdevgpu.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import io.mdevgpu.HostSpec;
import io.mdevgpu.ApplyResult;
import io.mdevgpu.MdevHost;
import io.mdevgpu.MdevType;
import io.mdevgpu.Plan;
import io.mdevgpu.SupportedType;
import io.mdevgpu.VgpuBackend;

/**
 * {@code mdevgpu apply -c FILE [--keep] [--dry-run]}: the predecessor's job. Plans the configuration, registers its
 * types with the driver GPU by GPU (undoing every completed step if one fails), reads the host back, and prints each
 * GPU it opened and each type it created, then a summary. {@code --dry-run} prints the plan and changes nothing.
 */
final class ApplyCommand extends HostCommand {
    static final VerbSpec SPEC = VerbSpec.verb("apply")
            .description("Register a configuration's types with the GPU driver (rolled back on failure); --dry-run "
                    + "only plans.")
            .requiredOption("-c", "--config", "FILE", "TOML configuration")
            .flag("-k", "--keep", "keep the types the GPUs already have (default: replace them)")
            .flag("-n", "--dry-run", "print the plan; change nothing")
            .build();

    private final Path config;
    private final boolean keep;
    private final boolean dryRun;

    ApplyCommand(Args args) {
        config = args.value("--config", Path::of);
        keep = args.flag("--keep");
        dryRun = args.flag("--dry-run");
    }

    @Override
    int run(MdevHost host, PrintWriter out, boolean json) {
        Plan plan = host.plan(config, keep);
        if (dryRun) {
            return PlanCommand.printed(out, json, plan);
        }
        ApplyResult result = plan.apply();
        if (json) {
            Json.print(out, Json.object("applied", PlanCommand.gpusJson(result.applied()),
                    "unchanged", result.unchanged().stream().map(Object::toString).toList(), "notes", plan.notes(),
                    "published_types", result.publishedTypes().stream().map(t -> Views.supportedType(null, t)).toList(),
                    "steps", result.steps()));
            return Main.OK;
        }
        int registered = 0, already = 0;
        for (Plan.GpuPlan gpu : result.applied()) {
            boolean unchanged = result.unchanged(gpu.address());
            out.println("opened GPU " + gpu.address() + " " + gpu.model() + (unchanged ? ": it has these types already, "
                    + "nothing sent to it" : ""));
            for (Plan.TypePlan t : gpu.types()) {
                MdevType type = t.type();
                out.println("  " + (unchanged ? "kept" : "created") + " type " + type.sysfsName() + " \"" + type.name() + "\": "
                        + instances(t.instancesThatFit()) + " x " + type.framebuffer() + " (+" + type.reserved()
                        + " reserved), guest " + t.guestId());
            }
            if (unchanged) already += gpu.types().size();
            else registered += gpu.types().size();
        }
        out.println("applied " + config + ": " + result.applied().size() + " GPU(s), " + registered + " type(s) registered"
                + (already == 0 ? "" : ", " + already + " there already") + ", " + result.publishedTypes().size()
                + (onVfs(host, result) ? " offered on the GPUs' virtual functions" : " published on the mdev bus")
                + ", in " + result.steps().size() + " step(s)");
        PlanCommand.notes(out, plan.notes());
        nextStep(result, host.spec(), config).ifPresent(out::println);
        return Main.OK;
    }

    /** Whether the applied GPUs hold vGPUs on SR-IOV virtual functions (no mdev bus). */
    private static boolean onVfs(MdevHost host, ApplyResult result) {
        return result.applied().stream()
                .anyMatch(g -> host.gpu(g.address().toString()).backend() instanceof VgpuBackend.SriovVfio);
    }

    private static String instances(int n) {
        return n + (n == 1 ? " instance" : " instances");
    }

    /**
     * How to use what was just registered: the {@code create} command, naming the host as this run did. A simulated
     * host that is not kept in a directory lasts as long as this process: there the next step is to keep one
     * ({@code sim@DIR}), or JShell, where one host stays open across lines.
     */
    private static Optional<String> nextStep(ApplyResult result, HostSpec host, Path config) {
        List<Plan.GpuPlan> applied = result.applied();
        if (applied.isEmpty() || applied.getFirst().types().isEmpty()) {
            return Optional.empty();
        }
        Plan.GpuPlan first = applied.getFirst();
        String type = first.types().getLast().type().sysfsName();
        if (result.publishedTypes().stream().map(SupportedType::id).noneMatch(type::equals)) {
            return Optional.empty();
        }
        String hostOption = host.equals(HostSpec.real()) ? "" : "--host " + host.argument() + " ";
        if (host.isSimulated() && host.simulationRoot().isEmpty()) {
            String kept = "--host " + host.argument() + "@DIR ";
            return Optional.of("a simulated host lasts one run; to go on from one command to the next, keep it in a directory: "
                    + "mdevgpu " + kept + "apply -c " + config + ", then mdevgpu " + kept + "create " + type + " --parent "
                    + first.address() + "; or in ./mdevgpu jshell: host.plan(Path.of(\"" + config + "\")).apply(); "
                    + "var vgpu = host.gpu(\"" + first.address() + "\").create(\"" + type + "\");");
        }
        return Optional.of("create an instance: mdevgpu " + hostOption + "create " + type + " --parent " + first.address());
    }
}
