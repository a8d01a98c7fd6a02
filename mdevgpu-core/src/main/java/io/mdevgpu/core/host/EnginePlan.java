package io.mdevgpu.core.host;

import io.mdevgpu.ApplyResult;
import io.mdevgpu.DriverLimits;
import io.mdevgpu.Plan;

import java.util.List;

/**
 * A plan made by the {@link Planner}: per GPU the types, how many instances of each fit and why not more, the
 * guest's PCI identity and the changes from what the mdev bus shows; the problems that keep it from applying; notes
 * on what it leaves alone. Immutable; printing does no I/O. {@link #apply()} hands it to the {@link Applier}.
 */
final class EnginePlan implements Plan {
    private final EngineHost host;
    private final String target;
    private final boolean keep;
    private final Planner.Driver driver;
    private final List<Planner.GpuPart> parts;
    private final List<String> problems;
    private final List<String> notes;

    EnginePlan(EngineHost host, String target, boolean keep, Planner.Driver driver, List<Planner.GpuPart> parts,
               List<String> problems, List<String> notes) {
        this.host = host;
        this.target = target;
        this.keep = keep;
        this.driver = driver;
        this.parts = List.copyOf(parts);
        this.problems = List.copyOf(problems);
        this.notes = List.copyOf(notes);
    }

    @Override
    public boolean fits() {
        return problems.isEmpty();
    }

    @Override
    public List<String> problems() {
        return problems;
    }

    @Override
    public List<GpuPlan> gpus() {
        return parts.stream().map(Planner.GpuPart::plan).toList();
    }

    @Override
    public List<String> notes() {
        return notes;
    }

    @Override
    public ApplyResult apply() {
        return new Applier(host, this).apply();
    }

    String target() {
        return target;
    }

    boolean keep() {
        return keep;
    }

    DriverLimits limits() {
        return driver.limits();
    }

    Planner.Driver driver() {
        return driver;
    }

    List<Planner.GpuPart> parts() {
        return parts;
    }

    /**
     * <pre>
     * Plan for configuration samples/config/open-vampere.toml on the simulated host (default): fits
     *   driver 550.54.14: 64 types, 32 instances per GPU, strings up to 31 UTF-8 bytes; replace the GPUs' types
     *   0000:17:00.0 NVIDIA A100-SXM4-40GB
     *     nvidia-529 "Open vAmpere"      1 instance (max_instances), guest 10de:20b0 [10de:1479]
     *     add nvidia-529 "Open vAmpere" (1 x 38336MiB)
     * </pre>
     */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Plan for ").append(target).append(": ").append(fits() ? "fits" : "does not fit")
                .append("\n  driver ").append(driver.release().map(Object::toString).orElse("(none)")).append(": ")
                .append(driver.limits()).append("; ").append(keep ? "keep the GPUs' other types" : "replace the GPUs' types");
        for (Planner.GpuPart part : parts) sb.append("\n  ").append(part.plan().toString().replace("\n", "\n  "));
        for (String note : notes) sb.append("\n  note: ").append(note);
        for (String problem : problems) sb.append("\n  ! ").append(problem);
        return sb.toString();
    }
}
