package io.mdevgpu.cli;

import java.io.PrintWriter;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import io.mdevgpu.Definitions.Definition;
import io.mdevgpu.Definitions.Request;
import io.mdevgpu.MdevHost;
import io.mdevgpu.MdevInstance;
import io.mdevgpu.ParentDevice;
import io.mdevgpu.PciAddress;
import io.mdevgpu.ValidationException;

/**
 * {@code mdevgpu define [TYPE] [--parent ADDR] [--uuid UUID] [--auto] [--vf ADDR] [--owner TEXT]}: writes a persistent
 * definition: in mdevctl's format ({@code /etc/mdevctl.d/<parent>/<uuid>}) on an mdev GPU, in mdevgpu's VF format
 * ({@code /etc/mdevgpu/vf.d/<gpu>/<uuid>.json}) on an SR-IOV GPU, pinned to a VF with {@code --vf} (or a VF as
 * {@code --parent}). Without TYPE, {@code --uuid} names an active vGPU to persist; a VF's vGPU is then pinned to its VF.
 */
final class DefineCommand extends HostCommand {
    static final VerbSpec SPEC = VerbSpec.verb("define")
            .description("Define a persistent vGPU (mdevctl's format on mdev GPUs, /etc/mdevgpu/vf.d on SR-IOV GPUs); "
                    + "without TYPE, persist the active vGPU --uuid.")
            .optionalOperand("TYPE", "the vGPU type, e.g. nvidia-531 (or 531 on SR-IOV GPUs)")
            .option("-p", "--parent", "ADDR", "the GPU, or a VF of an SR-IOV GPU (pins it); default: the first GPU "
                    + "offering TYPE")
            .option("--vf", "ADDR", "SR-IOV GPUs: pin the vGPU to this VF (a VM's <hostdev> names it); default: any "
                    + "free VF at start")
            .option("--owner", "TEXT", "SR-IOV GPUs: who uses the vGPU (a libvirt domain, a Nova or CloudStack instance)")
            .option("-u", "--uuid", "UUID", "the UUID; default: a random one")
            .flag("-a", "--auto", "start it at boot (mdevctl's \"start\": \"auto\"); default manual")
            .build();

    private final String type;
    private final PciAddress parent;
    private final PciAddress vf;
    private final String owner;
    private final UUID uuid;
    private final boolean auto;

    DefineCommand(Args args) {
        type = args.operand(0);
        parent = args.value("--parent", PciAddress::parse);
        vf = args.value("--vf", PciAddress::parse);
        owner = args.value("--owner");
        uuid = args.value("--uuid", UUID::fromString);
        auto = args.flag("--auto");
    }

    @Override
    int run(MdevHost host, PrintWriter out, boolean json) {
        Request.Builder request;
        if (type == null) {
            if (uuid == null) {
                throw new ValidationException("define", "no TYPE and no --uuid",
                        "name a TYPE to define a new vGPU, or --uuid of an active vGPU to make it persistent");
            }
            MdevInstance active = Lookup.instance(host, uuid);
            if (parent != null && !parent.equals(active.parent()) && !active.virtualFunction().equals(Optional.of(parent))) {
                throw new ValidationException("--parent", parent.toString(), "vGPU " + uuid + " is on " + active.parent()
                        + active.virtualFunction().map(v -> " (VF " + v + ")").orElse(""));
            }
            // a VF's vGPU comes back on its VF: the VM's configuration names that VF
            request = Request.newBuilder(active.parent(), active.typeId())
                    .virtualFunction(vf != null ? vf : active.virtualFunction().orElse(null));
        } else {
            // a parent that is no GPU here is defined all the same, as mdevctl does (its GPU may come later)
            Optional<ParentDevice> ofVf = parent == null ? Optional.empty() : Lookup.gpuOf(host, parent);
            if (ofVf.isPresent() && vf != null && !vf.equals(parent)) {
                throw new ValidationException("--vf", vf.toString(), "the VF --parent names (" + parent + "), or leave one out");
            }
            PciAddress on = parent == null ? Lookup.parentFor(host, type, null).address()
                    : ofVf.map(ParentDevice::address).orElse(parent);
            request = Request.newBuilder(on, type).virtualFunction(vf != null ? vf : ofVf.isPresent() ? parent : null);
        }
        Definition d = host.definitions().define(request.uuid(uuid).autoStart(auto).owner(owner).build());
        if (json) {
            Map<String, Object> o = Json.object("uuid", d.uuid().toString(), "kind", d.kind(), "parent", d.parent().toString(),
                    "type", d.typeId(), "start", d.autoStart() ? "auto" : "manual");
            d.sriov().ifPresent(s -> {
                o.put("type_name", s.typeName());
                o.put("vf", s.virtualFunction().map(Object::toString).orElse(null));
                o.put("owner", s.owner().orElse(null));
            });
            Json.print(out, o);
        } else {
            out.println(d.uuid());
        }
        return Main.OK;
    }
}
