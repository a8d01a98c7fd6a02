package io.mdevgpu.cli;

import static io.mdevgpu.kernel.abi.vfio.VfioConstants.*;

import java.io.PrintWriter;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.mdevgpu.HostStateException;
import io.mdevgpu.IrqInfo;
import io.mdevgpu.MappedRegion;
import io.mdevgpu.MdevHost;
import io.mdevgpu.MdevInstance;
import io.mdevgpu.Region;
import io.mdevgpu.Size;
import io.mdevgpu.ValidationException;
import io.mdevgpu.VfioDevice;
import io.mdevgpu.core.pci.PciConfigSpace;

/**
 * {@code mdevgpu inspect UUID}: opens the instance's VFIO device as a VMM would and shows its regions (size, flags,
 * mmap), its IRQs and the config space the guest sees, decoded (ids, BARs sized by their regions, capabilities).
 * Reads only, unless {@code --check-bar N} asks to write a test pattern through BAR N's mapping (and restore it).
 */
final class InspectCommand extends HostCommand {
    static final VerbSpec SPEC = VerbSpec.verb("inspect")
            .description("Open an instance's VFIO device: regions, IRQs and the guest's config space, decoded.")
            .operand("UUID", "the instance")
            .option("--check-bar", "N", "also map BAR N (0-5), write a test pattern at its start, read it back "
                    + "through the mapping and through the device fd, and restore what was there")
            .build();

    private final UUID uuid;
    private final Integer checkBar;

    InspectCommand(Args args) {
        uuid = args.operand(0, UUID::fromString);
        checkBar = args.value("--check-bar", Integer::valueOf);
    }

    /** What writing through a BAR's mapping and reading back showed. */
    record BarCheck(int index, long size, long wrote, long viaMapping, long viaRead) {
        boolean ok() {
            return viaMapping == wrote && viaRead == wrote;
        }

        Map<String, Object> toJson() {
            return Json.object("index", index, "size", size, "wrote", hex(wrote), "via_mapping", hex(viaMapping),
                    "via_read", hex(viaRead), "ok", ok());
        }

        @Override
        public String toString() {
            return "BAR" + index + " mapped (" + Size.bytes(size) + "): wrote " + hex(wrote) + ", read back " + hex(viaMapping)
                    + " through the mapping and " + hex(viaRead) + " through the device fd" + (ok() ? "" : ": MISMATCH");
        }

        private static String hex(long v) {
            return String.format("0x%016x", v);
        }
    }

    /** "mdevgpu!" in little-endian bytes: recognisable in a hex dump of the BAR. */
    private static final long PATTERN = 0x2175706776656d64L;

    @Override
    int run(MdevHost host, PrintWriter out, boolean json) {
        MdevInstance instance = Lookup.instance(host, uuid);
        try (VfioDevice device = instance.open()) {
            List<Region> regions = device.regions();
            List<IrqInfo> irqs = device.irqs();
            byte[] config = Shell.configSpace(device);
            long[] sizes = Shell.barSizes(device);
            BarCheck check = checkBar == null ? null : checkBar(device, checkBar);
            if (json) {
                Map<String, Object> o = Json.object("uuid", uuid.toString(), "parent", instance.parent().toString(),
                        "type", instance.typeId(), "iommu_group", instance.iommuGroup() < 0 ? null : instance.iommuGroup());
                instance.virtualFunction().ifPresent(vf -> o.put("vf", vf.toString()));
                o.put("device_flags", Json.hex(device.flags(), 2));
                List<Object> rs = new ArrayList<>();
                for (Region r : regions) {
                    rs.add(Json.object("index", r.index(), "name", regionName(r.index()), "size", r.size(),
                            "offset", r.offset(), "flags", Json.hex(r.flags(), 2), "readable", r.readable(),
                            "writable", r.writable(), "mappable", r.mappable()));
                }
                o.put("regions", rs);
                List<Object> is = new ArrayList<>();
                for (IrqInfo irq : irqs) {
                    is.add(Json.object("index", irq.index(), "name", IrqInfo.indexName(irq.index()), "count", irq.count(),
                            "flags", Json.hex(irq.flags(), 2)));
                }
                o.put("irqs", is);
                try {
                    o.put("config_space", Views.config(PciConfigSpace.parse(config, sizes)));
                } catch (ValidationException e) {
                    o.put("config_space", Json.object("size", config.length, "error", e.getMessage()));
                }
                if (check != null) {
                    o.put("bar_check", check.toJson());
                }
                Json.print(out, o);
                return verdict(check);
            }
            out.println(instance.virtualFunction().map(vf -> "vGPU " + uuid + ": " + instance.typeId() + " on VF " + vf
                    + " of GPU " + instance.parent()).orElse("mdev " + uuid + ": " + instance.typeId() + " on "
                    + instance.parent()) + (instance.iommuGroup() < 0 ? "" : ", IOMMU group " + instance.iommuGroup()));
            out.println("VFIO device " + device.name() + ": flags " + deviceFlags(device.flags()));
            out.println();
            Table table = new Table("REGION", "NAME", "SIZE", "OFFSET", "FLAGS", "ACCESS");
            for (Region r : regions) {
                table.row(r.index(), regionName(r.index()), Size.bytes(r.size()), "0x" + Long.toHexString(r.offset()),
                        Json.hex(r.flags(), 2), access(r));
            }
            table.print(out);
            out.println();
            Table irqTable = new Table("IRQ", "NAME", "COUNT", "FLAGS");
            for (IrqInfo irq : irqs) {
                irqTable.row(irq.index(), IrqInfo.indexName(irq.index()), irq.count(), irqFlags(irq.flags()));
            }
            irqTable.print(out);
            out.println();
            out.println("guest config space:");
            try {
                Views.configText(PciConfigSpace.parse(config, sizes)).forEach(out::println);
            } catch (ValidationException e) {
                out.println("\t(not decoded: " + e.getMessage() + ")");
            }
            if (check != null) {
                out.println();
                out.println(check);
            }
            return verdict(check);
        }
    }

    private int verdict(BarCheck check) {
        if (check != null && !check.ok()) {
            throw new HostStateException("check BAR" + check.index(), uuid.toString(),
                    "what was written through the mapping did not read back: " + check, null, null);
        }
        return Main.OK;
    }

    /** Maps BAR {@code index}, writes {@link #PATTERN} at its start, reads it back both ways, restores the old bytes. */
    static BarCheck checkBar(VfioDevice device, int index) {
        if (index < 0 || index > 5) {
            throw new ValidationException("--check-bar", Integer.toString(index), "a BAR index, 0..5");
        }
        Region region = device.regions().stream().filter(r -> r.index() == index).findFirst()
                .orElseThrow(() -> new ValidationException("--check-bar", Integer.toString(index), "the device has no BAR"
                        + index + "; its regions are " + device.regions().stream().map(r -> regionName(r.index())).toList()));
        if (!region.mappable() || !region.writable()) {
            throw new ValidationException("--check-bar", Integer.toString(index), "BAR" + index + " must be mappable and "
                    + "writable to be checked; its flags are " + access(region));
        }
        try (MappedRegion mapping = region.map()) {
            MemorySegment bar = mapping.segment();
            long saved = bar.get(ValueLayout.JAVA_LONG_UNALIGNED, 0);
            bar.set(ValueLayout.JAVA_LONG_UNALIGNED, 0, PATTERN);
            long viaMapping = bar.get(ValueLayout.JAVA_LONG_UNALIGNED, 0);
            long viaRead = region.read(0, 8);
            bar.set(ValueLayout.JAVA_LONG_UNALIGNED, 0, saved);
            return new BarCheck(index, region.size(), PATTERN, viaMapping, viaRead);
        }
    }

    static String regionName(int index) {
        return switch (index) {
            case 0, 1, 2, 3, 4, 5 -> "BAR" + index;
            case 6 -> "ROM";
            case 7 -> "CONFIG";
            case 8 -> "VGA";
            default -> "REGION" + index;
        };
    }

    private static String access(Region r) {
        String access = (r.readable() ? "r" : "-") + (r.writable() ? "w" : "-");
        return access + (r.mappable() ? " mmap" : "") + ((r.flags() & VFIO_REGION_INFO_FLAG_CAPS) != 0 ? " caps" : "");
    }

    private static String deviceFlags(int flags) {
        List<String> names = new ArrayList<>();
        if ((flags & VFIO_DEVICE_FLAGS_PCI) != 0) names.add("pci");
        if ((flags & VFIO_DEVICE_FLAGS_RESET) != 0) names.add("reset");
        if ((flags & VFIO_DEVICE_FLAGS_CAPS) != 0) names.add("caps");
        return Json.hex(flags, 2) + (names.isEmpty() ? "" : " (" + String.join(", ", names) + ")");
    }

    private static String irqFlags(int flags) {
        List<String> names = new ArrayList<>();
        if ((flags & VFIO_IRQ_INFO_EVENTFD) != 0) names.add("eventfd");
        if ((flags & VFIO_IRQ_INFO_MASKABLE) != 0) names.add("maskable");
        if ((flags & VFIO_IRQ_INFO_AUTOMASKED) != 0) names.add("automasked");
        if ((flags & VFIO_IRQ_INFO_NORESIZE) != 0) names.add("noresize");
        return Json.hex(flags, 2) + (names.isEmpty() ? "" : " " + String.join(",", names));
    }
}
