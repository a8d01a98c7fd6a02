package io.mdevgpu.cli;

import java.io.PrintWriter;
import java.util.UUID;

import io.mdevgpu.MdevHost;
import io.mdevgpu.MdevInstance;
import io.mdevgpu.PciAddress;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code mdevgpu create TYPE [--parent ADDR] [--uuid UUID]}: creates an mdev instance and prints its UUID. */
@Command(name = "create", mixinStandardHelpOptions = true,
        description = "Create an mdev instance of TYPE (not persistent: see define) and print its UUID.")
final class CreateCommand extends HostCommand {
    @Parameters(paramLabel = "TYPE", description = "the mdev type, e.g. nvidia-531")
    String type;

    @Option(names = {"-p", "--parent"}, paramLabel = "ADDR",
            description = "the GPU; default: the first GPU offering TYPE with an instance left")
    PciAddress parent;

    @Option(names = {"-u", "--uuid"}, paramLabel = "UUID", description = "the instance's UUID; default: a random one")
    UUID uuid;

    @Override
    int run(MdevHost host, PrintWriter out, boolean json) {
        MdevInstance created = Lookup.parentFor(host, type, parent).create(type, uuid != null ? uuid : UUID.randomUUID());
        print(out, json, created);
        return Main.OK;
    }

    /** The instance as create and start report it: its UUID, or with {@code json} where it sits. */
    static void print(PrintWriter out, boolean json, MdevInstance instance) {
        if (json) {
            Json.print(out, Json.object("uuid", instance.uuid().toString(), "parent", instance.parent().toString(),
                    "type", instance.typeId(), "iommu_group", instance.iommuGroup() < 0 ? null : instance.iommuGroup()));
        } else {
            out.println(instance.uuid());
        }
    }
}
