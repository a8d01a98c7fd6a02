package io.mdevgpu;

/**
 * The host is not in the state it should be: a read-back after apply disagrees with the plan, or a rollback
 * could not restore everything (the message lists what is left, so the operator can finish by hand; then
 * {@link #hostChanged()}).
 */
public final class HostStateException extends MdevException {
    private static final long serialVersionUID = 1L;

    /** True when the operation changed the host and could not restore it. */
    private final boolean hostChanged;

    /**
     * The host is not as the operation needs it, and the operation left it as it was.
     *
     * @param operation what was being done, e.g. {@code "apply"}
     * @param target    what it was done to: a GPU's PCI address, a UUID, a file; may be null
     * @param problem   what is wrong, with the numbers or states read
     * @param fix       what the operator can do about it; null when there is nothing
     * @param cause     the failure that led here; may be null
     */
    public HostStateException(String operation, String target, String problem, String fix, Throwable cause) {
        this(operation, target, problem, fix, cause, false);
    }

    /**
     * As {@link #HostStateException(String, String, String, String, Throwable)}, saying whether the host is left
     * changed.
     *
     * @param operation   what was being done, e.g. {@code "apply"}
     * @param target      what it was done to: a GPU's PCI address, a UUID, a file; may be null
     * @param problem     what is wrong; when {@code hostChanged}, also what is left to finish by hand
     * @param fix         what the operator can do about it; null when there is nothing
     * @param cause       the failure that led here; may be null
     * @param hostChanged true when the operation changed the host and could not restore it
     */
    public HostStateException(String operation, String target, String problem, String fix, Throwable cause,
                              boolean hostChanged) {
        super(operation, target, problem, fix, cause);
        this.hostChanged = hostChanged;
    }

    /**
     * {@return whether the host was changed and is not restored} True for an apply whose undo failed: what the
     * message lists is left to finish by hand. False where nothing was changed, or what was changed was undone.
     */
    public boolean hostChanged() { return hostChanged; }
}
