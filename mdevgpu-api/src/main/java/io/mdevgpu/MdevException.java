package io.mdevgpu;

import java.util.Optional;

/**
 * The root of every error mdevgpu raises: unchecked, sealed, and each one names the operation, its target,
 * the cause and, where there is one, the fix. Catch a subclass to react to one kind of failure.
 */
public abstract sealed class MdevException extends RuntimeException
        permits ValidationException, ConfigException, PlanException, KernelException, DriverException,
        UnsupportedDriverException, NativeAccessException, HostStateException {
    private static final long serialVersionUID = 1L;


    /** What was being done; see {@link #operation()}. */
    private final String operation;
    /** What it was done to, or null; see {@link #target()}. */
    private final String target;
    /** What the operator can do, or null; see {@link #fix()}. */
    private final String fix;

    /**
     * Composes the message {@code "operation target: cause. fix"}, leaving out the parts that are null or empty.
     *
     * @param operation what was being done, e.g. {@code "create mdev"}
     * @param target    what it was done to (a path, a PCI address, a UUID, a device node); null when there is none
     * @param cause     why it failed, in words (an errno, an NV status, the broken rule)
     * @param fix       what the operator can do about it; null when there is nothing
     * @param throwable the lower-level exception behind it, or null
     */
    protected MdevException(String operation, String target, String cause, String fix, Throwable throwable) {
        super(compose(operation, target, cause, fix), throwable);
        this.operation = operation;
        this.target = target;
        this.fix = fix;
    }

    private static String compose(String operation, String target, String cause, String fix) {
        StringBuilder sb = new StringBuilder();
        if (operation != null && !operation.isEmpty()) sb.append(operation);
        if (target != null && !target.isEmpty()) sb.append(sb.isEmpty() ? "" : " ").append(target);
        if (cause != null && !cause.isEmpty()) sb.append(sb.isEmpty() ? "" : ": ").append(cause);
        if (fix != null && !fix.isEmpty()) sb.append(sb.isEmpty() ? "" : ". ").append(fix);
        return sb.toString();
    }

    /** {@return what was being done, e.g. {@code "create mdev"}, {@code "RM_CONTROL GET_PCI_INFO"}} */
    public String operation() { return operation; }

    /**
     * {@return what it was done to: a file and key path, a PCI address, a UUID, a device node} Null when the
     * operation has no single target (a {@link NativeAccessException}, a {@link ValidationException} of a null value).
     */
    public String target() { return target; }

    /** {@return what the operator can do about it; empty when there is nothing to do but read the cause} */
    public Optional<String> fix() { return Optional.ofNullable(fix); }
}
