package io.mdevgpu;

/**
 * The host is not in the state it should be: a read-back after apply disagrees with the plan, or a rollback
 * could not restore everything (the message lists what is left, so the operator can finish by hand; then
 * {@link #hostChanged()}).
 */
public final class HostStateException extends MdevException {
    private final boolean hostChanged;

    /** The host is not as the operation needs it, and the operation left it as it was. */
    public HostStateException(String operation, String target, String problem, String fix, Throwable cause) {
        this(operation, target, problem, fix, cause, false);
    }

    /** As above; {@code hostChanged}: the operation changed the host and could not restore it. */
    public HostStateException(String operation, String target, String problem, String fix, Throwable cause,
                              boolean hostChanged) {
        super(operation, target, problem, fix, cause);
        this.hostChanged = hostChanged;
    }

    /**
     * Whether the host was changed and is not restored (an apply whose undo failed): what the message lists is left
     * to finish by hand. False where nothing was changed.
     */
    public boolean hostChanged() { return hostChanged; }
}
