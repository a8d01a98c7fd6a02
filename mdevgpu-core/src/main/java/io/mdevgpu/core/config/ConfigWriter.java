package io.mdevgpu.core.config;

import io.mdevgpu.Display;
import io.mdevgpu.GpuFilter;
import io.mdevgpu.MdevType;
import io.mdevgpu.PciId;
import io.mdevgpu.ValidationException;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

/**
 * Writes a configuration as TOML in the schema {@link ConfigLoader} reads, every key spelled out (defaults
 * too), ids in hex and sizes with units, so that {@code ConfigLoader.parse(ConfigWriter.toToml(c))} equals
 * {@code c}.
 */
public final class ConfigWriter {
    private ConfigWriter() {
    }

    /**
     * The TOML text of {@code config}.
     *
     * @throws ValidationException if a guest or host PCI id is not an NVIDIA identity, which the packed
     *                             {@code 0xDDDDSSSS} form cannot express
     */
    public static String toToml(MdevConfig config) {
        StringBuilder sb = new StringBuilder("# mdevgpu configuration\n")
                .append("schema = ").append(config.schema()).append('\n')
                .append("keep = ").append(config.keep()).append('\n');
        for (GpuEntry gpu : config.gpus()) {
            sb.append("\n[[gpu]]\n");
            if (!gpu.filter().matchesEverything()) sb.append("filter = ").append(filter(gpu.filter())).append('\n');
            if (!gpu.sriov().isDefault()) {
                sb.append("\n[gpu.sriov]\n");
                gpu.sriov().virtualFunctions().ifPresent(n -> sb.append("virtual_functions = ").append(n).append('\n'));
                gpu.sriov().heterogeneous().ifPresent(h -> sb.append("heterogeneous = ").append(h).append('\n'));
            }
            for (MdevType t : gpu.types()) type(sb, t);
        }
        return sb.toString();
    }

    private static String filter(GpuFilter f) {
        List<String> parts = new ArrayList<>();
        hex(parts, "domain", f.domain(), 4);
        hex(parts, "bus", f.bus(), 2);
        hex(parts, "slot", f.slot(), 2);
        hex(parts, "function", f.function(), 1);
        hex(parts, "vendor", f.vendor(), 4);
        hex(parts, "device", f.device(), 4);
        hex(parts, "subsystem_vendor", f.subsystemVendor(), 4);
        hex(parts, "subsystem_device", f.subsystemDevice(), 4);
        hex(parts, "rm_gpu_id", f.rmGpuId(), 8);
        return "{ " + String.join(", ", parts) + " }";
    }

    private static void hex(List<String> parts, String key, OptionalInt value, int digits) {
        if (value.isPresent()) parts.add(key + " = " + hex(Integer.toUnsignedLong(value.getAsInt()), digits));
    }

    private static String hex(long value, int digits) {
        return String.format("0x%0" + digits + "X", value);
    }

    private static void type(StringBuilder sb, MdevType t) {
        Display d = t.display();
        sb.append("\n[[gpu.type]]\n")
                .append("number = ").append(t.number()).append('\n')
                .append("name = ").append(KeyPath.quote(t.name())).append('\n')
                .append("class = ").append(KeyPath.quote(t.gpuClass())).append('\n')
                .append("max_instances = ").append(t.maxInstances()).append('\n')
                .append("framebuffer = \"").append(t.framebuffer()).append("\"\n")
                .append("reserved = \"").append(t.reserved()).append("\"\n")
                .append("mappable_video = \"").append(t.mappableVideo()).append("\"\n")
                .append("bar1 = \"").append(t.bar1()).append("\"\n");
        t.guestPciId().ifPresent(id -> sb.append("guest_pci_id = ").append(packed("guest_pci_id", id)).append('\n'));
        t.hostPciId().ifPresent(id -> sb.append("host_pci_id = ").append(packed("host_pci_id", id)).append('\n'));
        sb.append("ecc = ").append(t.ecc()).append('\n')
                .append("multi_vgpu = ").append(t.multiVgpu()).append('\n')
                .append("encoder_capacity = ").append(t.encoderCapacity()).append('\n')
                .append("display = { heads = ").append(d.heads())
                .append(", max_resolution = \"").append(d.resolution())
                .append("\", frame_rate_limit = ").append(d.frameRateLimit())
                .append(", frame_rate_limiter = ").append(d.frameRateLimiter()).append(" }\n");
    }

    private static String packed(String key, PciId id) {
        if (id.vendor() != PciId.NVIDIA || id.subsystemVendor() != PciId.NVIDIA) {
            throw new ValidationException(key, id.toString(), "only an NVIDIA identity (10de:DDDD [10de:SSSS]) has "
                    + "the packed form 0xDDDDSSSS the configuration uses");
        }
        return hex(id.nvidiaPacked(), 8);
    }
}
