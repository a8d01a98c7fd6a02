package io.mdevgpu.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import io.mdevgpu.Definitions.Definition;
import io.mdevgpu.MdevHost;
import io.mdevgpu.MdevInstance;
import io.mdevgpu.PciAddress;

/**
 * {@code mdevgpu list [--defined] [--parent ADDR]}: the host's vGPUs, like {@code mdevctl list}: the active ones and
 * the persistent definitions of both kinds (mdev, SR-IOV VF), each once, with whether it is active, defined, and
 * started at boot; on a host with SR-IOV vGPUs with their kind and VF (the one that holds it, or that its definition
 * pins).
 */
final class ListCommand extends HostCommand {
    static final VerbSpec SPEC = VerbSpec.verb("list")
            .description("List vGPUs (mdev instances and SR-IOV VFs holding a type): active ones and persistent "
                    + "definitions (like mdevctl list).")
            .flag("-d", "--defined", "only the persistent definitions")
            .option("-p", "--parent", "ADDR", "only instances of this GPU")
            .build();

    private final boolean definedOnly;
    private final PciAddress parent;

    ListCommand(Args args) {
        definedOnly = args.flag("--defined");
        parent = args.value("--parent", PciAddress::parse);
    }

    /**
     * One row: an instance, its definition (the one under the instance's parent), or both; with the other parents the
     * UUID is defined under, which mdevctl does not allow.
     */
    record Entry(UUID uuid, PciAddress parent, String type, MdevInstance active, Definition definition,
                 List<PciAddress> alsoDefinedOn) {
        String state() {
            String defined = definition == null ? "" : "defined (" + (definition.autoStart() ? "auto" : "manual") + ")";
            String state = active == null ? defined : defined.isEmpty() ? "active" : "active, " + defined;
            return alsoDefinedOn.isEmpty() ? state : state + ", UUID also defined on " + String.join(", ",
                    alsoDefinedOn.stream().map(PciAddress::toString).toList());
        }

        /** The VF an active vGPU of an SR-IOV GPU is, else the VF its definition pins; empty for an mdev instance. */
        Optional<PciAddress> vf() {
            if (active != null && active.virtualFunction().isPresent()) return active.virtualFunction();
            return definition == null ? Optional.empty() : definition.sriov().flatMap(s -> s.virtualFunction());
        }

        /** {@code sriov} for a VF's vGPU or definition, else {@code mdev}. */
        String kind() {
            if (active != null) return active.virtualFunction().isPresent() ? "sriov" : "mdev";
            return definition.kind();
        }

        Map<String, Object> toJson() {
            Map<String, Object> o = Json.object("uuid", uuid.toString(), "kind", kind(), "parent", parent.toString(), "type", type,
                    "active", active != null, "defined", definition != null,
                    "start", definition == null ? null : definition.autoStart() ? "auto" : "manual",
                    "attrs", definition == null ? null : definition.attrs(),
                    "also_defined_on", alsoDefinedOn.stream().map(PciAddress::toString).toList(),
                    "iommu_group", active == null || active.iommuGroup() < 0 ? null : active.iommuGroup());
            vf().ifPresent(vf -> o.put("vf", vf.toString()));
            if (definition != null) {
                definition.sriov().ifPresent(s -> {
                    o.put("type_name", s.typeName());
                    o.put("owner", s.owner().orElse(null));
                });
            }
            return o;
        }
    }

    /**
     * The active instances, with the parent and type the kernel gives them, each joined to its definition under the
     * same parent; then the definitions no instance was joined to.
     */
    static List<Entry> entries(MdevHost host) {
        List<Definition> definitions = host.definitions().list();
        List<Entry> out = new ArrayList<>();
        List<Definition> joined = new ArrayList<>();
        for (MdevInstance i : host.instances()) {
            Definition d = definitions.stream().filter(x -> x.uuid().equals(i.uuid()) && x.parent().equals(i.parent()))
                    .findFirst().orElse(null);
            if (d != null) joined.add(d);
            out.add(new Entry(i.uuid(), i.parent(), i.typeId(), i, d, otherParents(definitions, i.uuid(), i.parent())));
        }
        for (Definition d : definitions) {
            // not active under its parent: an instance of its UUID on another parent has a row of its own
            if (!joined.contains(d)) {
                out.add(new Entry(d.uuid(), d.parent(), d.typeId(), null, d, otherParents(definitions, d.uuid(), d.parent())));
            }
        }
        return List.copyOf(out);
    }

    private static List<PciAddress> otherParents(List<Definition> definitions, UUID uuid, PciAddress parent) {
        return definitions.stream().filter(d -> d.uuid().equals(uuid) && !d.parent().equals(parent))
                .map(Definition::parent).toList();
    }

    @Override
    int run(MdevHost host, PrintWriter out, boolean json) {
        List<Entry> shown = new ArrayList<>();
        for (Entry e : entries(host)) {
            if ((!definedOnly || e.definition() != null) && (parent == null || parent.equals(e.parent()))) {
                shown.add(e);
            }
        }
        if (json) {
            Json.print(out, Json.object("instances", shown.stream().map(Entry::toJson).toList()));
            return Main.OK;
        }
        if (shown.isEmpty()) {
            out.println(definedOnly ? "no definitions" : "no vGPUs");
            return Main.OK;
        }
        // the KIND and VF columns only where there are SR-IOV vGPUs: an mdev host's list looks as mdevctl's
        boolean vfs = shown.stream().anyMatch(e -> e.kind().equals("sriov"));
        Table table = vfs ? new Table("UUID", "PARENT", "KIND", "VF", "TYPE", "STATE") : new Table("UUID", "PARENT", "TYPE", "STATE");
        for (Entry e : shown) {
            if (vfs) table.row(e.uuid(), e.parent(), e.kind(), e.vf().map(Object::toString).orElse("-"), e.type(), e.state());
            else table.row(e.uuid(), e.parent(), e.type(), e.state());
        }
        table.print(out);
        return Main.OK;
    }
}
