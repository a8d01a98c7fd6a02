package io.mdevgpu.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.mdevgpu.Definitions.Definition;
import io.mdevgpu.MdevHost;
import io.mdevgpu.MdevInstance;
import io.mdevgpu.PciAddress;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code mdevgpu list [--defined] [--parent ADDR]}: the host's mdev instances, like {@code mdevctl list}: the active
 * ones and the persistent definitions, each once, with whether it is active, defined, and started at boot.
 */
@Command(name = "list", mixinStandardHelpOptions = true,
        description = "List mdev instances: active ones and persistent definitions (like mdevctl list).")
final class ListCommand extends HostCommand {
    @Option(names = {"-d", "--defined"}, description = "only the persistent definitions")
    boolean definedOnly;

    @Option(names = {"-p", "--parent"}, paramLabel = "ADDR", description = "only instances of this GPU")
    PciAddress parent;

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

        Map<String, Object> toJson() {
            return Json.object("uuid", uuid.toString(), "parent", parent.toString(), "type", type,
                    "active", active != null, "defined", definition != null,
                    "start", definition == null ? null : definition.autoStart() ? "auto" : "manual",
                    "attrs", definition == null ? null : definition.attrs(),
                    "also_defined_on", alsoDefinedOn.stream().map(PciAddress::toString).toList(),
                    "iommu_group", active == null || active.iommuGroup() < 0 ? null : active.iommuGroup());
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
            out.println(definedOnly ? "no mdev definitions" : "no mdev instances");
            return Main.OK;
        }
        Table table = new Table("UUID", "PARENT", "TYPE", "STATE");
        for (Entry e : shown) {
            table.row(e.uuid(), e.parent(), e.type(), e.state());
        }
        table.print(out);
        return Main.OK;
    }
}
