package io.mdevgpu.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

import io.mdevgpu.MdevHost;
import io.mdevgpu.ParentDevice;
import io.mdevgpu.PciAddress;
import io.mdevgpu.SupportedType;

/** {@code mdevgpu types [--parent ADDR]}: the mdev types each GPU offers now, as the mdev bus lists them. */
final class TypesCommand extends HostCommand {
    static final VerbSpec SPEC = VerbSpec.verb("types")
            .description("List the mdev types each GPU offers (nvidia-<num>, name, description, available instances).")
            .option("-p", "--parent", "ADDR", "only this GPU (0000:65:00.0 or 65:00.0)")
            .build();

    private final PciAddress parent;

    TypesCommand(Args args) {
        parent = args.value("--parent", PciAddress::parse);
    }

    @Override
    int run(MdevHost host, PrintWriter out, boolean json) {
        List<ParentDevice> gpus = parent == null ? host.gpus() : List.of(host.gpu(parent.toString()));
        if (json) {
            List<Object> list = new ArrayList<>();
            for (ParentDevice gpu : gpus) {
                for (SupportedType t : gpu.types()) {
                    list.add(Views.supportedType(gpu.address().toString(), t));
                }
            }
            Json.print(out, Json.object("types", list));
            return Main.OK;
        }
        boolean first = true;
        for (ParentDevice gpu : gpus) {
            if (!first) out.println();
            first = false;
            out.println(gpu.address() + " " + gpu.model());
            List<SupportedType> types = gpu.types();
            if (types.isEmpty()) {
                out.println("  no mdev types (none registered; `mdevgpu apply -c FILE` registers them)");
                continue;
            }
            Table table = new Table("TYPE", "NAME", "AVAILABLE", "DESCRIPTION");
            for (SupportedType t : types) {
                table.row(t.id(), t.name(), t.availableInstances(), t.description());
            }
            table.print(out, "  ");
        }
        return Main.OK;
    }
}
