package io.mdevgpu.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
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

    /** One row: an instance, its definition, or both. */
    record Entry(UUID uuid, PciAddress parent, String type, MdevInstance active, Definition definition) {
        String state() {
            String defined = definition == null ? "" : "defined (" + (definition.autoStart() ? "auto" : "manual") + ")";
            return active == null ? defined : defined.isEmpty() ? "active" : "active, " + defined;
        }

        Map<String, Object> toJson() {
            return Json.object("uuid", uuid.toString(), "parent", parent.toString(), "type", type,
                    "active", active != null, "defined", definition != null,
                    "start", definition == null ? null : definition.autoStart() ? "auto" : "manual",
                    "iommu_group", active == null || active.iommuGroup() < 0 ? null : active.iommuGroup());
        }
    }

    static List<Entry> entries(MdevHost host) {
        Map<UUID, Entry> byUuid = new LinkedHashMap<>();
        for (MdevInstance i : host.instances()) {
            byUuid.put(i.uuid(), new Entry(i.uuid(), i.parent(), i.typeId(), i, null));
        }
        for (Definition d : host.definitions().list()) {
            Entry active = byUuid.get(d.uuid());
            byUuid.put(d.uuid(), new Entry(d.uuid(), d.parent(), d.typeId(), active == null ? null : active.active(), d));
        }
        return List.copyOf(byUuid.values());
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
