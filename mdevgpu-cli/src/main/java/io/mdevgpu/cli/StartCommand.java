package io.mdevgpu.cli;

import java.io.PrintWriter;
import java.util.UUID;

import io.mdevgpu.MdevHost;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code mdevgpu start UUID}: creates the instance a persistent definition describes. */
@Command(name = "start", mixinStandardHelpOptions = true, description = "Create the instance of a persistent definition.")
final class StartCommand extends HostCommand {
    @Parameters(paramLabel = "UUID", description = "the definition")
    UUID uuid;

    @Override
    int run(MdevHost host, PrintWriter out, boolean json) {
        Lookup.definition(host, uuid);
        CreateCommand.print(out, json, host.definitions().start(uuid));
        return Main.OK;
    }
}
