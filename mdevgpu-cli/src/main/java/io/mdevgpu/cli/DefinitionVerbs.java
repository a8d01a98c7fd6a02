package io.mdevgpu.cli;

import java.io.PrintWriter;
import java.util.UUID;

import io.mdevgpu.MdevHost;
import io.mdevgpu.PciAddress;

/**
 * The verbs on an existing persistent definition of either kind ({@code /etc/mdevctl.d/<parent>/<uuid>},
 * {@code /etc/mdevgpu/vf.d/<gpu>/<uuid>.json}): {@code stop}, {@code undefine} ({@code start} is {@link StartCommand}). A UUID that names no definition is bad input (exit 2); one defined under two parents
 * (by hand) is refused unless {@code --parent} names one.
 */
abstract class DefinitionVerbs extends HostCommand {
    static final String PARENT = "the definition's parent GPU: needed only for a UUID defined under two parents";

    final UUID uuid;
    final PciAddress parent;

    DefinitionVerbs(Args args) {
        uuid = args.operand(0, UUID::fromString);
        parent = args.value("--parent", PciAddress::parse);
    }

    /** The spec of a verb on one definition. */
    private static VerbSpec spec(String name, String description) {
        return VerbSpec.verb(name).description(description)
                .operand("UUID", "the definition")
                .option("-p", "--parent", "ADDR", PARENT)
                .build();
    }

    /** Acts on the definition, which exists. */
    abstract void act(MdevHost host, PrintWriter out, boolean json);

    @Override
    final int run(MdevHost host, PrintWriter out, boolean json) {
        Lookup.definition(host, uuid, parent);
        act(host, out, json);
        return Main.OK;
    }

    static final class Stop extends DefinitionVerbs {
        static final VerbSpec SPEC = spec("stop", "Remove the vGPU of a persistent definition, keeping the definition.");

        Stop(Args args) {
            super(args);
        }

        @Override
        void act(MdevHost host, PrintWriter out, boolean json) {
            host.definitions().stop(uuid);
            RemoveCommand.done(out, json, "stopped", uuid);
        }
    }

    static final class Undefine extends DefinitionVerbs {
        static final VerbSpec SPEC = spec("undefine",
                "Delete a persistent definition (an active vGPU of it keeps running: see remove).");

        Undefine(Args args) {
            super(args);
        }

        @Override
        void act(MdevHost host, PrintWriter out, boolean json) {
            if (parent == null) host.definitions().undefine(uuid);
            else host.definitions().undefine(uuid, parent);
            RemoveCommand.done(out, json, "undefined", uuid);
        }
    }
}
