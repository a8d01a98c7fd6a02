package io.mdevgpu.cli;

import java.io.PrintWriter;
import java.util.UUID;

import io.mdevgpu.Definitions.Definition;
import io.mdevgpu.MdevHost;
import io.mdevgpu.MdevInstance;
import io.mdevgpu.PciAddress;
import io.mdevgpu.ValidationException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code mdevgpu define [TYPE] [--parent ADDR] [--uuid UUID] [--auto]}: writes a persistent definition in mdevctl's
 * format ({@code /etc/mdevctl.d/<parent>/<uuid>}); without TYPE, {@code --uuid} names an active instance to persist.
 */
@Command(name = "define", mixinStandardHelpOptions = true,
        description = "Define a persistent mdev instance (mdevctl's format); without TYPE, persist the active instance --uuid.")
final class DefineCommand extends HostCommand {
    @Parameters(paramLabel = "TYPE", arity = "0..1", description = "the mdev type, e.g. nvidia-531")
    String type;

    @Option(names = {"-p", "--parent"}, paramLabel = "ADDR", description = "the GPU; default: the first GPU offering TYPE")
    PciAddress parent;

    @Option(names = {"-u", "--uuid"}, paramLabel = "UUID", description = "the UUID; default: a random one")
    UUID uuid;

    @Option(names = {"-a", "--auto"}, description = "start it at boot (mdevctl's \"start\": \"auto\"); default manual")
    boolean auto;

    @Override
    int run(MdevHost host, PrintWriter out, boolean json) {
        Definition d;
        if (type == null) {
            if (uuid == null) {
                throw new ValidationException("define", "no TYPE and no --uuid",
                        "name a TYPE to define a new instance, or --uuid of an active instance to make it persistent");
            }
            MdevInstance active = Lookup.instance(host, uuid);
            if (parent != null && !parent.equals(active.parent())) {
                throw new ValidationException("--parent", parent.toString(), "instance " + uuid + " is on " + active.parent());
            }
            d = host.definitions().define(uuid, active.parent(), active.typeId(), auto);
        } else {
            PciAddress on = parent != null ? parent : Lookup.parentFor(host, type, null).address();
            d = host.definitions().define(uuid != null ? uuid : UUID.randomUUID(), on, type, auto);
        }
        if (json) {
            Json.print(out, Json.object("uuid", d.uuid().toString(), "parent", d.parent().toString(), "type", d.typeId(),
                    "start", d.autoStart() ? "auto" : "manual"));
        } else {
            out.println(d.uuid());
        }
        return Main.OK;
    }
}
