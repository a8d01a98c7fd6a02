package io.mdevgpu.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.mdevgpu.Definitions.StartResult;
import io.mdevgpu.MdevHost;
import io.mdevgpu.PciAddress;
import io.mdevgpu.ValidationException;

/**
 * {@code mdevgpu start UUID [--parent ADDR]}: creates the vGPU of one persistent definition, of either kind.
 * {@code mdevgpu start --all}: what boot runs ({@code mdevgpu-vgpus.service}): makes the SR-IOV GPUs of {@code auto}
 * definitions ready (VFs enabled, heterogeneous mode where needed) and starts every {@code auto} definition that is not
 * active, going on past failures; prints one row (or JSON object) per definition and exits 1 when any failed, naming
 * each on stderr.
 */
final class StartCommand implements Verb {
    static final VerbSpec SPEC = VerbSpec.verb("start")
            .description("Create the vGPU of a persistent definition; --all: enable the SR-IOV GPUs' VFs and start "
                    + "every auto definition not active (what boot runs), exit 1 if any failed.")
            .optionalOperand("UUID", "the definition")
            .option("-p", "--parent", "ADDR", DefinitionVerbs.PARENT)
            .flag("--all", "every auto definition, as boot does (not with UUID)")
            .build();

    private final UUID uuid;
    private final PciAddress parent;
    private final boolean all;

    StartCommand(Args args) {
        uuid = args.operand(0, UUID::fromString);
        parent = args.value("--parent", PciAddress::parse);
        all = args.flag("--all");
    }

    @Override
    public int run(Invocation invocation) {
        try (MdevHost host = invocation.openHost()) {
            return run(host, invocation.out(), invocation.err(), invocation.json());
        } finally {
            invocation.out().flush();
        }
    }

    /** Starts on an open host; writes what could not start to {@code err}. */
    private int run(MdevHost host, PrintWriter out, PrintWriter err, boolean json) {
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
