package io.mdevgpu;

import java.util.List;

/**
 * What applying a configuration would do: for each GPU, the types it would register, how many instances of
 * each fit and where, the guest's PCI identity, and the differences from what the driver has now. Making a plan
 * reads the host and changes nothing the driver keeps: to read each planned GPU's virtualization mode (whether it is
 * a vGPU host) it opens an NVIDIA RM client and attaches the GPU ({@code NV0000_CTRL_CMD_GPU_ATTACH_IDS}), since the
 * driver answers that control only on the GPU's device object; the client frees its objects and detaches the GPU
 * before the plan is returned, so no type table, instance or driver setting changes. {@link #apply()} changes the
 * host step by step with a journal, undoing completed steps in reverse if one fails, then reads the host back.
 *
 * <p>Immutable and thread-safe: any thread may read it or apply it; applies on one host run one at a time.
 */
public interface Plan {
    /**
     * {@return whether the plan can be applied: every type of every GPU fits, and neither the driver nor the GPUs'
     * state stands in the way ({@link #problems()} is empty)}
     */
    boolean fits();

    /**
     * {@return why it cannot be applied, in words with the numbers; empty when it fits} Types that do not fit, no or
     * an unsupported driver, a GPU that is not NVIDIA's, instances on a GPU whose types would change.
     */
    List<String> problems();

    /**
     * {@return one entry per GPU the plan touches} They come in the configuration's entry order, each entry's GPUs in
     * address order.
     */
    List<GpuPlan> gpus();

    /**
     * {@return what the plan leaves alone and why, in words; empty when there is nothing to say} For example a GPU
     * that an entry without a filter skips because its types do not fit it, a display device that is not NVIDIA's.
     */
    List<String> notes();

    /**
     * Applies the plan, one apply at a time on a host. A GPU whose driver holds the planned types already is left as
     * it is (nothing is sent, its instances keep running): applying the same configuration again is safe.
     *
     * <p>A failure after the host was changed is thrown only once the completed steps are undone in reverse, and
     * the exception names the step that failed. Two outcomes:
     * <ul>
     * <li>clean rollback: the host is as it was before the call. The exception is the step's own: a
     * {@link KernelException}, a {@link DriverException}, a {@link NotVgpuHostException}, or a
     * {@link HostStateException} for a check that failed (the read-back disagreed with the plan, the driver is not
     * the one the plan was made for);
     * <li>host changed and not restored: a {@link HostStateException} whose {@link HostStateException#hostChanged()}
     * is true (the CLI exits 4) and whose message says "and undoing what was done could not restore: ..." and lists what is left (each GPU whose earlier types could not be registered again,
     * or which keeps its new types because instances of them were created meanwhile), with the fix; the failure of
     * the step is its cause, with what failed in the undo suppressed in that cause.
     * </ul>
     *
     * @return what was done: the GPUs changed and those left as they were, the published types as read back, the steps
     * @throws PlanException       if it does not fit, or if a GPU whose types would change has instances now (they
     *                             may have come after the plan, which is looked at again under the apply lock: then
     *                             {@link PlanException#hostChangedSincePlan()}, the CLI exits 5); nothing is changed then
     * @throws HostStateException  if the undo could not restore the host (see above), or for a check that failed
     *                             after which the host was restored
     * @throws MdevException       for the failure of any other step, after the host was restored as it was
     */
    ApplyResult apply();

    /**
     * The plan for one GPU.
     *
     * @param address the GPU's PCI address
     * @param model   the GPU's model name, as {@link ParentDevice#model()} gives it
     * @param types   one entry per planned type
     * @param changes what applying does to the GPU, a line each: {@code add}, {@code replace ... by} or
     *                {@code keep ..., unchanged} for each planned type; {@code discard} (or, with the configuration's
     *                {@code keep}, {@code keep}) for each other type the GPU has; on an SR-IOV GPU the VF steps
     */
    record GpuPlan(PciAddress address, String model, List<TypePlan> types, List<String> changes) {
        /** The GPU, then a line for each type and each change, indented. */
        @Override
        public String toString() {
            StringBuilder sb = new StringBuilder().append(address).append(' ').append(model);
            for (TypePlan t : types) sb.append("\n  ").append(t);
            for (String change : changes) sb.append("\n  ").append(change);
            return sb.toString();
        }
    }

    /**
     * One type on one GPU: the instances that fit and why not more.
     *
     * @param type             the planned type
     * @param guestId          the PCI identity a guest of this type sees on this GPU: the type's
     *                         {@link MdevType#guestPciId()}, with the GPU's subsystem ids where it names none; the
     *                         GPU's own identity where the type has none
     * @param instancesThatFit how many instances fit on this GPU at once, 0 to the type's {@code maxInstances}
     * @param limitedBy        what bounds that number, in words: {@code max_instances} (all the type advertises fit),
     *                         {@code the driver's instances per GPU}, {@code framebuffer}, {@code BAR1 aperture},
     *                         {@code rejected by the driver}, or {@code unknown framebuffer} (the GPU's framebuffer is
     *                         not known, so nothing is placed)
     */
    record TypePlan(MdevType type, PciId guestId, int instancesThatFit, String limitedBy) {
        /** e.g. {@code nvidia-529 "Open vAmpere"  1 instance (max_instances), guest 10de:20b0 [10de:1479]}. */
        @Override
        public String toString() {
            return String.format("%-11s %-26s %2d instance%s (%s), guest %s", type.sysfsName(), '"' + type.name() + '"',
                    instancesThatFit, instancesThatFit == 1 ? " " : "s", limitedBy, guestId);
        }
    }
}
