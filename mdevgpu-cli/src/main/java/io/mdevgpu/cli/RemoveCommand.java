package io.mdevgpu.cli;

import java.io.PrintWriter;
import java.util.UUID;

import io.mdevgpu.MdevHost;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code mdevgpu remove UUID}: removes an active mdev instance (its definition, if any, stays). */
@Command(name = "remove", mixinStandardHelpOptions = true,
        description = "Remove an active mdev instance (a persistent definition stays: see undefine).")
final class RemoveCommand extends HostCommand {
    @Parameters(paramLabel = "UUID", description = "the instance")
    UUID uuid;

    @Override
    int run(MdevHost host, PrintWriter out, boolean json) {
        Lookup.instance(host, uuid).remove();
        done(out, json, "removed", uuid);
        return Main.OK;
    }

    /** {@code removed UUID}, or {@code {"removed": "UUID"}}. */
    static void done(PrintWriter out, boolean json, String what, UUID uuid) {
        if (json) {
            Json.print(out, Json.object(what, uuid.toString()));
        } else {
            out.println(what + " " + uuid);
        }
    }
}
