package io.mdevgpu.cli;

import java.io.PrintWriter;
import java.util.Map;
import java.util.UUID;

import io.mdevgpu.MdevHost;
import io.mdevgpu.MdevInstance;
import io.mdevgpu.ParentDevice;
import io.mdevgpu.PciAddress;

/**
 * {@code mdevgpu create TYPE [--parent ADDR] [--uuid UUID]}: creates a vGPU and prints its UUID: an mdev instance, or
 * on an SR-IOV GPU a free virtual function given the type (the VF named by {@code --parent}, if one is).
 */
final class CreateCommand extends HostCommand {
    static final VerbSpec SPEC = VerbSpec.verb("create")
            .description("Create a vGPU of TYPE (an mdev instance, or a VF of an SR-IOV GPU; not persistent: see "
                    + "define) and print its UUID.")
            .operand("TYPE", "the vGPU type, e.g. nvidia-531 or 531")
            .option("-p", "--parent", "ADDR", "the GPU, or a virtual function of an SR-IOV GPU; default: the first GPU "
                    + "offering TYPE with an instance left")
            .option("-u", "--uuid", "UUID", "the instance's UUID; default: a random one")
            .build();

    private final String type;
    private final PciAddress parent;
    private final UUID uuid;

    CreateCommand(Args args) {
        type = args.operand(0);
        parent = args.value("--parent", PciAddress::parse);
        uuid = args.value("--uuid", UUID::fromString);
    }

    @Override
    int run(MdevHost host, PrintWriter out, boolean json) {
        ParentDevice gpu = Lookup.parentFor(host, type, parent);
        UUID id = uuid != null ? uuid : UUID.randomUUID();
        MdevInstance created = parent != null && !parent.equals(gpu.address()) ? gpu.create(type, id, parent)
                : gpu.create(type, id);
        print(out, json, created);
        return Main.OK;
    }

    /** The instance as create and start report it: its UUID, or with {@code json} where it sits. */
    static void print(PrintWriter out, boolean json, MdevInstance instance) {
        if (json) {
            Map<String, Object> o = Json.object("uuid", instance.uuid().toString(), "parent", instance.parent().toString(),
                    "type", instance.typeId(), "iommu_group", instance.iommuGroup() < 0 ? null : instance.iommuGroup());
            instance.virtualFunction().ifPresent(vf -> o.put("vf", vf.toString()));
            Json.print(out, o);
        } else {
            out.println(instance.uuid());
        }
    }
}
