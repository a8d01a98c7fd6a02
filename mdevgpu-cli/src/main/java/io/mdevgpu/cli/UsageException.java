package io.mdevgpu.cli;

/**
 * A command line that its verb cannot take (an unknown option, a missing operand, a value that does not convert):
 * exit 2, the message and then the verb's usage on stderr. {@code spec} is null for the bare command.
 */
final class UsageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final transient VerbSpec spec;

    UsageException(VerbSpec spec, String message) {
        super(message);
        this.spec = spec;
    }

    /** The verb whose usage to print, or null for the bare command's. */
    VerbSpec spec() {
        return spec;
    }
}
