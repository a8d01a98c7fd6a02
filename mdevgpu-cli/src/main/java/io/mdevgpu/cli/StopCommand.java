package io.mdevgpu.cli;

import java.io.PrintWriter;
import java.util.UUID;

import io.mdevgpu.MdevHost;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code mdevgpu stop UUID}: removes the instance of a persistent definition, keeping the definition. */
@Command(name = "stop", mixinStandardHelpOptions = true,
        description = "Remove the instance of a persistent definition, keeping the definition.")
final class StopCommand extends HostCommand {
    @Parameters(paramLabel = "UUID", description = "the definition")
    UUID uuid;

    @Override
    int run(MdevHost host, PrintWriter out, boolean json) {
        Lookup.definition(host, uuid);
        host.definitions().stop(uuid);
        RemoveCommand.done(out, json, "stopped", uuid);
        return Main.OK;
    }
}
