package io.mdevgpu;

import java.util.Optional;

/**
 * The root of every error mdevgpu raises: unchecked, sealed, and each one names the operation, its target,
 * the cause and, where there is one, the fix. Catch a subclass to react to one kind of failure.
 */
public abstract sealed class MdevException extends RuntimeException
        permits ValidationException, ConfigException, PlanException, KernelException, DriverException,
        UnsupportedDriverException, NativeAccessException, HostStateException {

    private final String operation;
    private final String target;
    private final String fix;

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

    /** What was being done, e.g. {@code "create mdev"}, {@code "RM_CONTROL GET_PCI_INFO"}. */
    public String operation() { return operation; }

    /** What it was done to: a file and key path, a PCI address, a UUID, a device node. */
    public String target() { return target; }

    /** What the operator can do about it, when there is something. */
    public Optional<String> fix() { return Optional.ofNullable(fix); }
}
