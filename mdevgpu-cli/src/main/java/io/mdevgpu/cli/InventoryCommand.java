package io.mdevgpu.cli;

import java.io.PrintWriter;

import io.mdevgpu.HostStateException;
import io.mdevgpu.MdevHost;
import io.mdevgpu.core.host.EngineDefinitions;
import io.mdevgpu.core.interop.VfInventory;

/**
 * {@code mdevgpu inventory}: the host's vGPUs on SR-IOV virtual functions, active and defined, as the inventory JSON
 * that CloudStack, Nova or any VM placer reads (docs/vf-definitions.md, schema {@value VfInventory#SCHEMA}). Always JSON:
 * the document is the point; {@code list} is the operator's view. Named after what placement services call the
 * resources a host offers; the simulator's host inventories ({@code samples/hosts}) are test input, not a verb.
 */
final class InventoryCommand extends HostCommand {
    static final VerbSpec SPEC = VerbSpec.verb("inventory")
            .description("Print the SR-IOV VF vGPUs, active and defined, as inventory JSON for CloudStack/Nova tooling "
                    + "(docs/vf-definitions.md); always JSON.")
            .build();

    InventoryCommand(Args args) {
    }

    @Override
    int run(MdevHost host, PrintWriter out, boolean json) {
        if (!(host.definitions() instanceof EngineDefinitions definitions)) {
            throw new HostStateException("inventory", host.spec().toString(), "the host is not the engine's",
                    "open it with MdevHost.open", null);
        }
        out.print(VfInventory.json(definitions.vfInventory()));
        out.flush();
        return Main.OK;
    }
}
