package io.mdevgpu.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.mdevgpu.Definitions.StartResult;
import io.mdevgpu.MdevHost;
import io.mdevgpu.PciAddress;
import io.mdevgpu.ValidationException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code mdevgpu start UUID [--parent ADDR]}: creates the vGPU of one persistent definition, of either kind.
 * {@code mdevgpu start --all}: what boot runs ({@code mdevgpu-vgpus.service}): makes the SR-IOV GPUs of {@code auto}
 * definitions ready (VFs enabled, heterogeneous mode where needed) and starts every {@code auto} definition that is not
 * active, going on past failures; prints one row (or JSON object) per definition and exits 1 when any failed, naming
 * each on stderr.
 */
@Command(name = "start", mixinStandardHelpOptions = true,
        description = "Create the vGPU of a persistent definition; --all: enable the SR-IOV GPUs' VFs and start every "
                + "auto definition not active (what boot runs), exit 1 if any failed.")
final class StartCommand extends HostCommand {
    @Parameters(paramLabel = "UUID", arity = "0..1", description = "the definition")
    UUID uuid;

    @Option(names = {"-p", "--parent"}, paramLabel = "ADDR",
            description = "the definition's parent GPU: needed only for a UUID defined under two parents")
    PciAddress parent;

    @Option(names = "--all", description = "every auto definition, as boot does (not with UUID)")
    boolean all;

    @Override
    int run(MdevHost host, PrintWriter out, boolean json) {
        if (all == (uuid != null) || (all && parent != null)) {
            throw new ValidationException("start", all ? "--all with " + (uuid != null ? "UUID " + uuid : "--parent " + parent)
                    : "neither UUID nor --all", "either a definition's UUID (and --parent, where needed) or --all");
        }
        if (!all) {
            Lookup.definition(host, uuid, parent);
            CreateCommand.print(out, json, parent == null ? host.definitions().start(uuid) : host.definitions().start(uuid, parent));
            return Main.OK;
        }
        List<StartResult> results = host.definitions().startAll();
        print(out, json, results);
        List<StartResult> failed = results.stream().filter(r -> r.state() == StartResult.State.FAILED).toList();
        if (failed.isEmpty()) return Main.OK;
        PrintWriter err = spec.commandLine().getErr();
        for (StartResult r : failed) err.println("mdevgpu: " + r.uuid() + " not started: " + r.error().orElseThrow().getMessage());
        err.println("mdevgpu: " + failed.size() + " of " + results.size() + " auto definitions could not be started; "
                + "the others are active");
        err.flush();
        return Main.FAILED;
    }

    private static void print(PrintWriter out, boolean json, List<StartResult> results) {
        if (json) {
            Json.print(out, results.stream().map(StartCommand::toJson).toList());
            return;
        }
        if (results.isEmpty()) {
            out.println("no auto definitions");
            return;
        }
        Table table = new Table("UUID", "KIND", "PARENT", "VF", "STATE");
        for (StartResult r : results) {
            table.row(r.uuid(), r.kind(), r.parent(), r.virtualFunction().map(Object::toString).orElse("-"), state(r));
        }
        table.print(out);
    }

    private static String state(StartResult r) {
        return r.state().name().toLowerCase(java.util.Locale.ROOT);
    }

    private static Map<String, Object> toJson(StartResult r) {
        return Json.object("uuid", r.uuid().toString(), "kind", r.kind(), "parent", r.parent().toString(),
                "vf", r.virtualFunction().map(Object::toString).orElse(null), "state", state(r),
                "error", r.error().map(Throwable::getMessage).orElse(null));
    }
}
