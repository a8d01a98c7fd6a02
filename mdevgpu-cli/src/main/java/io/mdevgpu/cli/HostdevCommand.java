package io.mdevgpu.cli;

import java.io.PrintWriter;
import java.util.UUID;

import io.mdevgpu.MdevHost;
import io.mdevgpu.MdevInstance;

/**
 * {@code mdevgpu hostdev UUID [--qemu | --nodedev]}: how to give an active vGPU (an mdev instance or a VF's vGPU) to
 * a VM: libvirt's {@code <hostdev>} element by default (for {@code virsh attach-device} or a domain's
 * {@code <devices>}), the vGPU's node device XML ({@code virsh nodedev-dumpxml}'s form), or QEMU's arguments for a VM
 * started without libvirt. Reads only.
 */
final class HostdevCommand extends HostCommand {
    static final VerbSpec SPEC = VerbSpec.verb("hostdev")
            .description("Print how to give an active vGPU to a VM: libvirt's <hostdev> element (default), its node "
                            + "device XML (--nodedev), or QEMU's arguments (--qemu, one per line).",
                    "With --json: the XML as one JSON string, the QEMU arguments as an array.")
            .operand("UUID", "the vGPU (`mdevgpu list` shows them)")
            .flag("--qemu", "QEMU's arguments: -device vfio-pci,sysfsdev=... for an mdev instance, "
                    + "-uuid UUID -device vfio-pci,host=VF for a VF's vGPU")
            .flag("--nodedev", "libvirt's node device XML (the mdev's, or the VF's PCI device)")
            .exclusive("--qemu", "--nodedev")
            .build();

    private final UUID uuid;
    private final boolean qemu;
    private final boolean nodedev;

    HostdevCommand(Args args) {
        uuid = args.operand(0, UUID::fromString);
        qemu = args.flag("--qemu");
        nodedev = args.flag("--nodedev");
    }

    @Override
    int run(MdevHost host, PrintWriter out, boolean json) {
        MdevInstance vgpu = Lookup.instance(host, uuid);
        if (qemu) {
            if (json) {
                Json.print(out, vgpu.qemuArgs());
            } else {
                vgpu.qemuArgs().forEach(out::println);
            }
            return Main.OK;
        }
        String xml = nodedev ? vgpu.nodeDeviceXml() : vgpu.hostdevXml();
        if (json) {
            Json.print(out, xml);
        } else {
            out.print(xml);
        }
        return Main.OK;
    }
}
