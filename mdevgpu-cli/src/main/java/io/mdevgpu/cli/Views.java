package io.mdevgpu.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.mdevgpu.Bar;
import io.mdevgpu.MdevType;
import io.mdevgpu.PciId;
import io.mdevgpu.SupportedType;
import io.mdevgpu.core.pci.Capability;
import io.mdevgpu.core.pci.ExtendedCapability;
import io.mdevgpu.core.pci.PciConfigSpace;
import io.mdevgpu.kernel.pci.PciDevice;

/** The shapes the verbs share: how a type, a BAR, a PCI identity and a config space look as text and as JSON. */
final class Views {
    private Views() {
    }

    /** {@code 3D controller [030200]}. */
    static String pciClass(int classCode) {
        return PciDevice.className(classCode) + String.format(" [%06x]", classCode);
    }

    /** {@code BAR0 16MiB, BAR1 64GiB 64-bit prefetchable, ...} as a table cell: index and size only. */
    static String barsCell(List<Bar> bars) {
        List<String> cells = new ArrayList<>();
        for (Bar bar : bars) {
            cells.add(bar.index() + ":" + (bar.sizeKnown() ? bar.size() : "?"));
        }
        return cells.isEmpty() ? "-" : String.join(" ", cells);
    }

    static Map<String, Object> bar(Bar bar) {
        return Json.object("index", bar.index(), "start", bar.start(), "size", bar.size().bytes(),
                "is_64bit", bar.is64Bit(), "prefetchable", bar.prefetchable(), "io", bar.io());
    }

    static List<Object> bars(List<Bar> bars) {
        return new ArrayList<>(bars.stream().map(Views::bar).toList());
    }

    /** The four ids of a PCI identity, each {@code 0x10de}, under keys with {@code prefix}. */
    static void pciId(Map<String, Object> into, String prefix, PciId id) {
        into.put(prefix + "vendor", Json.hex(id.vendor(), 4));
        into.put(prefix + "device", Json.hex(id.device(), 4));
        into.put(prefix + "subsystem_vendor", Json.hex(id.subsystemVendor(), 4));
        into.put(prefix + "subsystem_device", Json.hex(id.subsystemDevice(), 4));
    }

    /** A type of a configuration or plan: what it asks of the GPU. */
    static Map<String, Object> type(MdevType t) {
        return Json.object("type", t.sysfsName(), "number", t.number(), "name", t.name(),
                "class", t.gpuClass(), "max_instances", t.maxInstances(), "framebuffer_mib", t.framebuffer().toMiB(),
                "reserved_mib", t.reserved().toMiB(), "bar1_mib", t.bar1().toMiB(), "description", t.sysfsDescription());
    }

    /** A type as the mdev bus lists it under a parent ({@code parent} null: not said). */
    static Map<String, Object> supportedType(String parent, SupportedType t) {
        Map<String, Object> o = parent == null ? Json.object() : Json.object("parent", parent);
        o.putAll(Json.object("type", t.id(), "name", t.name(), "description", t.description(),
                "device_api", t.deviceApi(), "available_instances", t.availableInstances()));
        return o;
    }

    /** The decoded config space as {@code lspci -vv} would print it, each line indented by a tab. */
    static List<String> configText(PciConfigSpace space) {
        return space.toString().lines().map(line -> line.startsWith("\t") ? line : "\t" + line).toList();
    }

    /** BAR sizes by register index, for {@link PciConfigSpace#parse(byte[], long[])}: a dump alone has none. */
    static long[] barSizes(List<Bar> bars) {
        long[] sizes = new long[6];
        for (Bar bar : bars) {
            sizes[bar.index()] = bar.size().bytes();
        }
        return sizes;
    }

    /** The decoded config space: identity, class, BARs, both capability lists, link. */
    static Map<String, Object> config(PciConfigSpace space) {
        Map<String, Object> o = Json.object("size", space.size());
        pciId(o, "", space.pciId());
        o.put("class", Json.hex(space.classCode(), 6));
        o.put("class_name", PciDevice.className(space.classCode()));
        o.put("revision", space.revision());
        o.put("command", Json.hex(space.command(), 4));
        o.put("status", Json.hex(space.status(), 4));
        o.put("interrupt_pin", space.interruptPin());
        o.put("bars", bars(space.bars()));
        List<Object> caps = new ArrayList<>();
        for (Capability c : space.capabilities()) {
            caps.add(Json.object("offset", Json.hex(c.offset(), 2), "id", Json.hex(c.id(), 2), "name", c.name()));
        }
        o.put("capabilities", caps);
        List<Object> ext = new ArrayList<>();
        for (ExtendedCapability c : space.extendedCapabilities()) {
            ext.add(Json.object("offset", Json.hex(c.offset(), 3), "id", Json.hex(c.id(), 4), "version", c.version(),
                    "name", c.name()));
        }
        o.put("extended_capabilities", ext);
        o.put("link", space.pcieLink().map(Object::toString).orElse(null));
        return o;
    }
}
