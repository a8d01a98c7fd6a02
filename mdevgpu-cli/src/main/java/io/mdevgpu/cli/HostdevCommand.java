package io.mdevgpu.cli;

import java.io.PrintWriter;
import java.util.UUID;

import io.mdevgpu.MdevHost;
import io.mdevgpu.MdevInstance;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code mdevgpu hostdev UUID [--qemu | --nodedev]}: how to give an active vGPU (an mdev instance or a VF's vGPU) to
 * a VM: libvirt's {@code <hostdev>} element by default (for {@code virsh attach-device} or a domain's
 * {@code <devices>}), the vGPU's node device XML ({@code virsh nodedev-dumpxml}'s form), or QEMU's arguments for a VM
 * started without libvirt. Reads only.
 */
@Command(name = "hostdev", mixinStandardHelpOptions = true,
        description = {"Print how to give an active vGPU to a VM: libvirt's <hostdev> element (default), its node "
                + "device XML (--nodedev), or QEMU's arguments (--qemu, one per line).",
                "With --json: the XML as one JSON string, the QEMU arguments as an array."})
final class HostdevCommand extends HostCommand {
    @Parameters(paramLabel = "UUID", description = "the vGPU (`mdevgpu list` shows them)")
    UUID uuid;

    @ArgGroup(exclusive = true)
    Form form;

    /** Which form to print instead of the {@code <hostdev>} element; at most one. */
    static final class Form {
        @Option(names = "--qemu", required = true,
                description = "QEMU's arguments: -device vfio-pci,sysfsdev=... for an mdev instance, "
                        + "-uuid UUID -device vfio-pci,host=VF for a VF's vGPU")
        boolean qemu;

        @Option(names = "--nodedev", required = true,
                description = "libvirt's node device XML (the mdev's, or the VF's PCI device)")
        boolean nodedev;
    }

    @Override
    int run(MdevHost host, PrintWriter out, boolean json) {
        MdevInstance vgpu = Lookup.instance(host, uuid);
        if (form != null && form.qemu) {
            if (json) {
                Json.print(out, vgpu.qemuArgs());
            } else {
                vgpu.qemuArgs().forEach(out::println);
            }
            return Main.OK;
        }
        String xml = form != null && form.nodedev ? vgpu.nodeDeviceXml() : vgpu.hostdevXml();
        if (json) {
            Json.print(out, xml);
        } else {
            out.print(xml);
        }
        return Main.OK;
    }
}
