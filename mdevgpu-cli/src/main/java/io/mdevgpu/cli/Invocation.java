package io.mdevgpu.cli;

import java.io.PrintWriter;
import java.util.function.Function;

import io.mdevgpu.HostSpec;
import io.mdevgpu.MdevHost;
import io.mdevgpu.ValidationException;

/**
 * What a verb runs with: its output streams, the common options ({@code --host}, {@code --json}) and the way to open
 * the host they name.
 */
record Invocation(PrintWriter out, PrintWriter err, String host, boolean json, Function<HostSpec, MdevHost> opener) {
    /** The host {@code --host} names, or {@code $MDEVGPU_HOST}, or the real one. */
    HostSpec hostSpec() {
        try {
            return HostSpec.parse(host);
        } catch (ValidationException e) {
            throw new ValidationException("--host", host, HostSpec.FORMS);
        }
    }

    /** Opens the host {@code --host} names; the caller closes it. */
    MdevHost openHost() {
        return opener.apply(hostSpec());
    }
}
