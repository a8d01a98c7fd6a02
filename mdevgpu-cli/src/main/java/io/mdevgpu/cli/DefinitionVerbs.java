package io.mdevgpu.cli;

import java.io.PrintWriter;
import java.util.UUID;

import io.mdevgpu.MdevHost;
import io.mdevgpu.PciAddress;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The verbs on an existing persistent definition of either kind ({@code /etc/mdevctl.d/<parent>/<uuid>},
 * {@code /etc/mdevgpu/vf.d/<gpu>/<uuid>.json}): {@code stop}, {@code undefine} ({@code start} is {@link StartCommand}). A UUID that names no definition is bad input (exit 2); one defined under two parents
 * (by hand) is refused unless {@code --parent} names one.
 */
abstract class DefinitionVerbs extends HostCommand {
    @Parameters(paramLabel = "UUID", description = "the definition")
    UUID uuid;

    @Option(names = {"-p", "--parent"}, paramLabel = "ADDR",
            description = "the definition's parent GPU: needed only for a UUID defined under two parents")
    PciAddress parent;

    /** Acts on the definition, which exists. */
    abstract void act(MdevHost host, PrintWriter out, boolean json);

    @Override
    final int run(MdevHost host, PrintWriter out, boolean json) {
        Lookup.definition(host, uuid, parent);
        act(host, out, json);
        return Main.OK;
    }

    @Command(name = "stop", mixinStandardHelpOptions = true,
            description = "Remove the vGPU of a persistent definition, keeping the definition.")
    static final class Stop extends DefinitionVerbs {
        @Override
        void act(MdevHost host, PrintWriter out, boolean json) {
            host.definitions().stop(uuid);
            RemoveCommand.done(out, json, "stopped", uuid);
        }
    }

    @Command(name = "undefine", mixinStandardHelpOptions = true,
            description = "Delete a persistent definition (an active vGPU of it keeps running: see remove).")
    static final class Undefine extends DefinitionVerbs {
        @Override
        void act(MdevHost host, PrintWriter out, boolean json) {
            if (parent == null) host.definitions().undefine(uuid);
            else host.definitions().undefine(uuid, parent);
            RemoveCommand.done(out, json, "undefined", uuid);
        }
    }
}
