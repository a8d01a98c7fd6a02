package io.mdevgpu.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.mdevgpu.MdevHost;
import io.mdevgpu.ParentDevice;
import io.mdevgpu.ValidationException;
import io.mdevgpu.VgpuBackend;
import io.mdevgpu.VirtualFunction;
import io.mdevgpu.core.pci.PciConfigSpace;
import io.mdevgpu.kernel.pci.PciDevice;

/**
 * {@code mdevgpu gpus [-v]}: every GPU of the host with its address, ids, class, driver, model, framebuffer and BAR
 * windows; {@code -v} decodes each one's config space (header, BARs, capability chains) as {@code lspci -vv} does.
 */
final class GpusCommand extends HostCommand {
    static final VerbSpec SPEC = VerbSpec.verb("gpus")
            .description("List the host's GPUs (address, ids, class, driver, model, framebuffer, BARs, vGPU backend).")
            .flag("-v", "--verbose", "decode each GPU's config space: header, BARs and capability chains")
            .build();

    private final boolean verbose;

    GpusCommand(Args args) {
        verbose = args.flag("--verbose");
    }

    @Override
    int run(MdevHost host, PrintWriter out, boolean json) {
        List<ParentDevice> gpus = host.gpus();
        if (json) {
            List<Object> list = new ArrayList<>();
            for (ParentDevice gpu : gpus) {
                list.add(toJson(gpu));
            }
            Json.print(out, Json.object("host", host.spec().toString(),
                    "driver", host.driver().map(d -> Json.object("name", d.name(), "version", d.version(),
                            "layout_family", d.layoutFamily())).orElse(null),
                    "gpus", list));
            return Main.OK;
        }
        if (gpus.isEmpty()) {
            out.println("no GPU (display-class PCI device) on " + host.spec());
            return Main.OK;
        }
        Table table = new Table("ADDRESS", "IDS", "CLASS", "DRIVER", "MODEL", "FRAMEBUFFER", "BARS", "VGPU");
        for (ParentDevice gpu : gpus) {
            table.row(gpu.address(), gpu.id(), Views.pciClass(gpu.classCode()), gpu.driver().orElse("-"), gpu.model(),
                    gpu.framebuffer().isZero() ? "-" : gpu.framebuffer(), Views.barsCell(gpu.bars()),
                    backendCell(gpu.backend()));
        }
        if (!verbose) {
            table.print(out);
        } else {
            for (ParentDevice gpu : gpus) {
                out.println(gpu.address() + "  " + gpu.model() + "  " + gpu.id() + "  driver " + gpu.driver().orElse("none"));
                VgpuBackend backend = gpu.backend();
                out.println("\tvGPU backend: " + backend);
                if (backend instanceof VgpuBackend.SriovVfio s) {
                    s.vfs().forEach(vf -> out.println("\t\t" + vf));
                }
                decoded(gpu).forEach(line -> out.println(line));
                out.println();
            }
        }
        host.driver().ifPresent(d -> out.println((verbose ? "" : "\n") + "driver: " + d));
        return Main.OK;
    }

    private Map<String, Object> toJson(ParentDevice gpu) {
        Map<String, Object> o = Json.object("address", gpu.address().toString());
        Views.pciId(o, "", gpu.id());
        o.put("class", Json.hex(gpu.classCode(), 6));
        o.put("class_name", PciDevice.className(gpu.classCode()));
        o.put("revision", gpu.revision());
        o.put("driver", gpu.driver().orElse(null));
        o.put("model", gpu.model());
        o.put("framebuffer_bytes", gpu.framebuffer().bytes());
        o.put("bars", Views.bars(gpu.bars()));
        o.put("backend", backend(gpu.backend()));
        if (verbose) {
            byte[] config = gpu.config();
            try {
                o.put("config_space", Views.config(PciConfigSpace.parse(config, Views.barSizes(gpu.bars()))));
            } catch (ValidationException e) {
                o.put("config_space", Json.object("size", config.length, "error", e.getMessage()));
            }
        }
        return o;
    }

    /** {@code mdev}, {@code sriov 31/32 free}, {@code none}. */
    static String backendCell(VgpuBackend backend) {
        if (backend instanceof VgpuBackend.SriovVfio s) {
            return "sriov " + s.free() + "/" + s.enabled() + " VFs free"
                    + (s.enabled() < s.totalVfs() ? " (" + s.totalVfs() + " max)" : "");
        }
        return backend.kind();
    }

    /** The backend as JSON: its kind, and an SR-IOV GPU's VFs or why a GPU has none. */
    static Map<String, Object> backend(VgpuBackend backend) {
        Map<String, Object> o = Json.object("kind", backend.kind());
        switch (backend) {
            case VgpuBackend.SriovVfio s -> {
                o.put("total_vfs", s.totalVfs());
                o.put("enabled_vfs", s.enabled());
                o.put("free_vfs", s.free());
                o.put("assigned_vfs", s.assigned());
                o.put("heterogeneous", s.heterogeneous().orElse(null));
                List<Object> vfs = new ArrayList<>();
                for (VirtualFunction vf : s.vfs()) {
                    vfs.add(Json.object("address", vf.address().toString(), "index", vf.index(),
                            "type", vf.typeId() == 0 ? null : "nvidia-" + vf.typeId(),
                            "uuid", vf.owner().map(Object::toString).orElse(null),
                            "iommu_group", vf.iommuGroup() < 0 ? null : vf.iommuGroup()));
                }
                o.put("vfs", vfs);
            }
            case VgpuBackend.None n -> o.put("reason", n.reason());
            case VgpuBackend.Mdev m -> { }
        }
        return o;
    }

    /** The config space decoded, or why it cannot be: a non-root user reads only the first 64 bytes. */
    private static List<String> decoded(ParentDevice gpu) {
        byte[] config = gpu.config();
        try {
            return Views.configText(PciConfigSpace.parse(config, Views.barSizes(gpu.bars())));
        } catch (ValidationException e) {
            return List.of("\t(config space not decoded: " + e.getMessage() + ")");
        }
    }
}
