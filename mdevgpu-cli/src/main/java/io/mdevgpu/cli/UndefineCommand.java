package io.mdevgpu.cli;

import java.io.PrintWriter;
import java.util.UUID;

import io.mdevgpu.MdevHost;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code mdevgpu undefine UUID}: deletes a persistent definition; an active instance of it stays. */
@Command(name = "undefine", mixinStandardHelpOptions = true,
        description = "Delete a persistent definition (an active instance of it keeps running: see remove).")
final class UndefineCommand extends HostCommand {
    @Parameters(paramLabel = "UUID", description = "the definition")
    UUID uuid;

    @Override
    int run(MdevHost host, PrintWriter out, boolean json) {
        Lookup.definition(host, uuid);
        host.definitions().undefine(uuid);
        RemoveCommand.done(out, json, "undefined", uuid);
        return Main.OK;
    }
}
