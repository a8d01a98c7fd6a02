package io.mdevgpu.cli;

/**
 * A command line that its verb cannot take (an unknown option, a missing operand, a value that does not convert):
 * exit 2, the message and then the usage of the verb, or of the bare command, on stderr.
 */
final class UsageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final transient VerbSpec spec;

    UsageException(VerbSpec spec, String message) {
        super(message);
        this.spec = spec;
    }

    /** The verb whose usage to print: a verb's spec or the bare command's. */
    VerbSpec spec() {
        return spec;
    }
}
