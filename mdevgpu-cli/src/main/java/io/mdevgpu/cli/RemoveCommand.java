package io.mdevgpu.cli;

import java.io.PrintWriter;
import java.util.UUID;

import io.mdevgpu.MdevHost;

/** {@code mdevgpu remove UUID}: removes an active mdev instance (its definition, if any, stays). */
final class RemoveCommand extends HostCommand {
    static final VerbSpec SPEC = VerbSpec.verb("remove")
            .description("Remove an active mdev instance (a persistent definition stays: see undefine).")
            .operand("UUID", "the instance")
            .build();

    private final UUID uuid;

    RemoveCommand(Args args) {
        uuid = args.operand(0, UUID::fromString);
    }

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
