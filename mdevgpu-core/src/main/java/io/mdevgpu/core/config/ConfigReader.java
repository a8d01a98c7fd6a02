package io.mdevgpu.core.config;

import io.mdevgpu.Display;
import io.mdevgpu.DriverLimits;
import io.mdevgpu.GpuFilter;
import io.mdevgpu.MdevType;
import io.mdevgpu.MdevTypeBuilder;
import io.mdevgpu.PciId;
import io.mdevgpu.ValidationException;
import io.mdevgpu.core.config.TomlTable.IntRange;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.BiFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns a strictly read document ({@link StrictToml}, {@link TomlTable}) into an {@link MdevConfig}, checking the
 * schema key by key so that every error carries the key path and the line and column of the offending key
 * or value. Range rules that the API values check themselves are still checked here first, against the same
 * constants, because only here is the location known; what the API rejects anyway is mapped back to its key.
 */
final class ConfigReader {
    static final List<String> TOP_KEYS = List.of("schema", "keep", "gpu");
    static final List<String> GPU_KEYS = List.of("filter", "type", "sriov");
    static final List<String> SRIOV_KEYS = List.of("virtual_functions", "heterogeneous");
    private static final IntRange VIRTUAL_FUNCTIONS = new IntRange(0, SriovSettings.MAX_VIRTUAL_FUNCTIONS, false,
            "VFs to enable, 0 to disable them (at most the GPU's sriov_totalvfs)");
    static final List<String> FILTER_KEYS = List.of("domain", "bus", "slot", "function", "vendor", "device",
            "subsystem_vendor", "subsystem_device", "rm_gpu_id");
    static final List<String> TYPE_KEYS = List.of("number", "name", "class", "max_instances", "framebuffer",
            "reserved", "mappable_video", "bar1", "guest_pci_id", "host_pci_id", "ecc", "multi_vgpu",
            "encoder_capacity", "display");
    static final List<String> DISPLAY_KEYS = List.of("heads", "max_resolution", "frame_rate_limit",
            "frame_rate_limiter");

    private static final DriverLimits LIMITS = DriverLimits.NEWEST;
    private static final IntRange NUMBER = new IntRange(1, Integer.MAX_VALUE, false, "0 is invalid to the driver; the sysfs type is nvidia-<number>");
    private static final IntRange MAX_INSTANCES = new IntRange(1, LIMITS.maxInstancesPerGpu(), false, "the newest driver's limit per GPU");
    private static final IntRange ENCODER = new IntRange(0, 100, false, "a percentage of the NVENC capacity");
    private static final IntRange PACKED_ID = new IntRange(0, 0xFFFF_FFFFL, true, "packed 0xDDDDSSSS: device << 16 | subsystem device, 32 bits");
    private static final IntRange HEADS = new IntRange(1, Display.MAX_HEADS, false, "display heads");
    private static final IntRange FRAME_RATE = new IntRange(1, Display.MAX_FRAME_RATE, false, "frames per second");
    private static final IntRange RESOLUTION = new IntRange(1, Display.MAX_RESOLUTION, false, "pixels");
    /** A filter key's range and the GpuFilter method that sets it. */
    private record FilterKey(IntRange range, BiFunction<GpuFilter, Long, GpuFilter> set) {
    }

    private static final Map<String, FilterKey> FILTER = Map.of(
            "domain", new FilterKey(new IntRange(0, 0xFFFF, true, "PCI domain"), (f, v) -> f.domain(v.intValue())),
            "bus", new FilterKey(new IntRange(0, 0xFF, true, "PCI bus"), (f, v) -> f.bus(v.intValue())),
            "slot", new FilterKey(new IntRange(0, 0x1F, true, "PCI slot, or device"), (f, v) -> f.slot(v.intValue())),
            "function", new FilterKey(new IntRange(0, 7, true, "PCI function"), (f, v) -> f.function(v.intValue())),
            "vendor", new FilterKey(new IntRange(0, 0xFFFF, true, "PCI vendor id"), (f, v) -> f.vendor(v.intValue())),
            "device", new FilterKey(new IntRange(0, 0xFFFF, true, "PCI device id"), (f, v) -> f.device(v.intValue())),
            "subsystem_vendor", new FilterKey(new IntRange(0, 0xFFFF, true, "PCI subsystem vendor id"),
                    (f, v) -> f.subsystemVendor(v.intValue())),
            "subsystem_device", new FilterKey(new IntRange(0, 0xFFFF, true, "PCI subsystem device id"),
                    (f, v) -> f.subsystemDevice(v.intValue())),
            "rm_gpu_id", new FilterKey(new IntRange(0, 0xFFFF_FFFFL, true, "NVIDIA RM gpu id: domain << 16 | bus << 8 | slot"),
                    GpuFilter::rmGpuId));

    private static final Pattern RESOLUTION_FORM = Pattern.compile("(\\d{1,9})x(\\d{1,9})");
    /** The predecessor's YAML names, so that a converted file gets told the new name. */
    private static final Map<String, String> PREDECESSOR_NAMES = Map.ofEntries(
            Map.entry("gpus", "gpu"), Map.entry("filteredGpus", "filter"), Map.entry("mdevConfigs", "type"),
            Map.entry("vendorId", "vendor"), Map.entry("deviceId", "device"),
            Map.entry("subvendorId", "subsystem_vendor"), Map.entry("subdeviceId", "subsystem_device"),
            Map.entry("identifier", "rm_gpu_id"), Map.entry("num", "number"), Map.entry("gpuClass", "class"),
            Map.entry("maxInstances", "max_instances"), Map.entry("fbLen", "framebuffer"),
            Map.entry("fbRes", "reserved"), Map.entry("mapVideoSize", "mappable_video"),
            Map.entry("vDevId", "guest_pci_id"), Map.entry("pDevId", "host_pci_id"),
            Map.entry("multiMdev", "multi_vgpu"), Map.entry("encCap", "encoder_capacity"),
            Map.entry("bar1Len", "bar1"), Map.entry("virtDisplay", "display"), Map.entry("numHeads", "heads"),
            Map.entry("maxResX", "max_resolution"), Map.entry("maxResY", "max_resolution"),
            Map.entry("frlConfig", "frame_rate_limit"), Map.entry("frlEnable", "frame_rate_limiter"));

    /** How configuration files are named in messages. */
    static final StrictToml.Kind KIND = new StrictToml.Kind("configuration", "samples/config/README.md", PREDECESSOR_NAMES,
            " (names and classes fit in " + LIMITS.maxStringBytes() + " UTF-8 bytes)");

    private ConfigReader() {
    }

    static MdevConfig read(TomlTable top) {
        // the version first: a newer file's keys must not be reported as unknown
        top.requireSchema(MdevConfig.SCHEMA_VERSION);
        top.checkKeys(TOP_KEYS);
        boolean keep = top.bool("keep").orElse(false);
        List<TomlTable> gpuTables = top.tables("gpu", "gpu", "each GPU entry is a [[gpu]] table with its [[gpu.type]] tables");
        List<GpuEntry> gpus = new ArrayList<>(gpuTables.size());
        for (TomlTable g : gpuTables) gpus.add(gpuEntry(g));
        return new MdevConfig(top.source(), keep, gpus, top.locations());
    }

    private static GpuEntry gpuEntry(TomlTable g) {
        g.checkKeys(GPU_KEYS);
        GpuFilter filter = g.table("filter").map(ConfigReader::filter).orElse(GpuFilter.ANY);
        List<TomlTable> typeTables = g.tables("type", "gpu.type", "each type is a [[gpu.type]] table after its [[gpu]]");
        if (typeTables.size() > LIMITS.maxTypesPerGpu()) {
            String first = TomlTable.indexed(g.pathOf("type"), LIMITS.maxTypesPerGpu());
            throw g.errorAt(first, g.path() + " declares " + typeTables.size()
                    + " types; the newest driver registers at most " + LIMITS.maxTypesPerGpu() + " per GPU");
        }
        List<MdevType> types = new ArrayList<>(typeTables.size());
        for (TomlTable t : typeTables) types.add(type(t));
        int repeated = GpuEntry.firstRepeatedNumber(types);
        if (repeated >= 0) {
            int number = types.get(repeated).number();
            int first = 0;
            while (types.get(first).number() != number) first++;
            TomlTable t = typeTables.get(repeated);
            throw t.error("number", "type number " + number + " is already used by " + typeTables.get(first).path()
                    + " (line " + g.locationOf(typeTables.get(first).pathOf("number")).line()
                    + "); each type of a GPU entry needs its own number");
        }
        SriovSettings sriov = g.table("sriov").map(ConfigReader::sriov).orElse(SriovSettings.DEFAULT);
        return new GpuEntry(filter, types, sriov);
    }

    private static SriovSettings sriov(TomlTable t) {
        t.checkKeys(SRIOV_KEYS);
        OptionalLong vfs = t.integer("virtual_functions", VIRTUAL_FUNCTIONS);
        return new SriovSettings(vfs.isPresent() ? java.util.OptionalInt.of((int) vfs.getAsLong())
                : java.util.OptionalInt.empty(), t.bool("heterogeneous"));
    }

    private static GpuFilter filter(TomlTable f) {
        f.checkKeys(FILTER_KEYS);
        GpuFilter filter = GpuFilter.ANY;
        for (String key : FILTER_KEYS) {
            FilterKey k = FILTER.get(key);
            OptionalLong value = f.integer(key, k.range());
            if (value.isEmpty()) continue;
            GpuFilter before = filter;
            filter = f.guard(key, () -> k.set().apply(before, value.getAsLong()));
        }
        return filter;
    }

    private static MdevType type(TomlTable t) {
        t.checkKeys(TYPE_KEYS);
        t.require("number", "the type number, e.g. number = 531 (sysfs type nvidia-531)");
        t.require("max_instances", "instances of this type per GPU, " + MAX_INSTANCES.text());
        t.require("framebuffer", "the guest's framebuffer, e.g. framebuffer = \"9536MiB\"");
        t.require("reserved", "the framebuffer the host reserves per instance, e.g. reserved = \"704MiB\"");
        MdevTypeBuilder b = MdevTypeBuilder.number((int) t.integer("number", NUMBER).getAsLong());
        t.string("name").ifPresent(s -> b.name(t.guard("name", () -> checked("name", s))));
        t.string("class").ifPresent(s -> b.gpuClass(t.guard("class", () -> checked("class", s))));
        b.maxInstances((int) t.integer("max_instances", MAX_INSTANCES).getAsLong());
        b.framebuffer(t.size("framebuffer").orElseThrow());
        b.reserved(t.size("reserved").orElseThrow());
        t.size("mappable_video").ifPresent(b::mappableVideo);
        t.size("bar1").ifPresent(b::bar1);
        t.integer("guest_pci_id", PACKED_ID).ifPresent(v -> b.guestPciId(t.guard("guest_pci_id", () -> PciId.fromNvidiaPacked(v))));
        t.integer("host_pci_id", PACKED_ID).ifPresent(v -> b.hostPciId(t.guard("host_pci_id", () -> PciId.fromNvidiaPacked(v))));
        t.bool("ecc").ifPresent(b::ecc);
        t.bool("multi_vgpu").ifPresent(b::multiVgpu);
        t.integer("encoder_capacity", ENCODER).ifPresent(v -> b.encoderCapacity((int) v));
        t.table("display").ifPresent(d -> b.display(display(d)));
        try {
            return b.build();
        } catch (ValidationException e) {
            throw t.error(keyOf(e.property()), e.getMessage());
        }
    }

    private static String checked(String what, String value) {
        MdevType.checkString(what, value, LIMITS);
        return value;
    }

    /** The TOML key, relative to its type, that an API property name stands for. */
    private static String keyOf(String property) {
        if (property.equals("type number")) return "number";
        if (property.startsWith("display.max_resolution")) return "display.max_resolution";
        return property;
    }

    private static Display display(TomlTable d) {
        d.checkKeys(DISPLAY_KEYS);
        Display display = Display.DEFAULT;
        int heads = (int) d.integer("heads", HEADS).orElse(display.heads());
        int x = display.maxResolutionX();
        int y = display.maxResolutionY();
        Optional<String> resolution = d.string("max_resolution");
        if (resolution.isPresent()) {
            Matcher m = RESOLUTION_FORM.matcher(resolution.get());
            if (!m.matches()) {
                throw d.error("max_resolution", "\"" + resolution.get() + "\" is not a resolution; write "
                        + "WIDTHxHEIGHT in pixels with a lower-case x, e.g. max_resolution = \"1920x1080\"");
            }
            x = Integer.parseInt(m.group(1));
            y = Integer.parseInt(m.group(2));
            for (int side : new int[] {x, y}) {
                if (side < RESOLUTION.min() || side > RESOLUTION.max()) {
                    throw d.error("max_resolution", "\"" + resolution.get() + "\" is out of range: width and height are "
                            + RESOLUTION.text());
                }
            }
        }
        int fps = (int) d.integer("frame_rate_limit", FRAME_RATE).orElse(display.frameRateLimit());
        boolean limiter = d.bool("frame_rate_limiter").orElse(display.frameRateLimiter());
        int fx = x;
        int fy = y;
        return d.guard("", () -> new Display(heads, fx, fy, fps, limiter));
    }

    /** The nearest allowed key to an unknown one, knowing the predecessor's names ({@link TomlTable#checkKeys}). */
    static Optional<String> suggest(String unknown, List<String> allowed) {
        return TomlTable.suggest(unknown, allowed, PREDECESSOR_NAMES);
    }
}
