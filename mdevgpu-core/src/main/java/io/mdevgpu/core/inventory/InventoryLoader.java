package io.mdevgpu.core.inventory;

import io.mdevgpu.ConfigException;
import io.mdevgpu.PciAddress;
import io.mdevgpu.PciId;
import io.mdevgpu.Size;
import io.mdevgpu.UnsupportedDriverException;
import io.mdevgpu.ValidationException;
import io.mdevgpu.core.config.StrictToml;
import io.mdevgpu.core.config.TomlTable;
import io.mdevgpu.core.config.TomlTable.IntRange;
import io.mdevgpu.core.partition.GpuCatalogue;
import io.mdevgpu.core.partition.GpuModel;
import io.mdevgpu.core.pci.PciConfigSpace;
import io.mdevgpu.core.pci.PcieLink;
import io.mdevgpu.kernel.abi.nvrm.NvrmAbi;
import io.mdevgpu.kernel.abi.nvrm.NvrmRelease;
import io.mdevgpu.kernel.abi.nvrm.VirtualizationMode;
import io.mdevgpu.kernel.pci.PciDevice;
import io.mdevgpu.kernel.pci.SriovCapability;
import io.mdevgpu.kernel.pci.PciResource;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Reads simulated host inventories ({@code samples/hosts/*.toml}) as strictly as configurations are read (the
 * same {@link StrictToml} front end, so every error names the file, the key path, the line and column). The
 * built-in ones ship inside this library, copied from {@code samples/hosts/} at build time.
 *
 * <h2>Schema 1</h2>
 * <pre>{@code
 * schema = 1
 * name = "default"                        # required
 * description = "two A100 40GB and a T4"  # required
 *
 * [driver]                                # required
 * version = "550.54.14"                   # required: the release the simulated NVIDIA driver is
 * virtualization_mode = "host"            # host (default), none, passthrough, vgpu-guest, vsga
 *
 * [[gpu]]                                 # one or more
 * address = "0000:65:00.0"                # required, each GPU its own
 * model = "a100-40g"                      # required: a catalogue id (ids, class, revision, framebuffer, BARs)
 * iommu_group = 48                        # default: the bus number
 * numa_node = 0                           # default -1 (none)
 * virtualization_mode = "passthrough"     # default: the driver's
 * # overrides of the model's values:
 * vendor = 0x10DE   device = 0x20B0   subsystem_vendor = 0x10DE   subsystem_device = 0x134F
 * class = 0x030200  revision = 0xA1   name = "NVIDIA A100-SXM4-40GB"
 * framebuffer = "40960MiB"   bar1 = "64GiB"   bar0_64bit = false   # true: every window 64-bit (Hopper)
 * }</pre>
 */
public final class InventoryLoader {
    /** The inventories built into the library, by name; {@code samples/hosts/<name>.toml} is each one's source. */
    public static final List<String> BUILT_IN = List.of("default", "a100x2", "a100-510", "t4-535", "a100-595", "h100-580",
            "sriov", "a100-sriov-550");

    public static final int SCHEMA_VERSION = 1;

    static final List<String> TOP_KEYS = List.of("schema", "name", "description", "driver", "gpu");
    static final List<String> DRIVER_KEYS = List.of("version", "virtualization_mode");
    static final List<String> GPU_KEYS = List.of("address", "model", "iommu_group", "numa_node", "virtualization_mode",
            "vendor", "device", "subsystem_vendor", "subsystem_device", "class", "revision", "name", "framebuffer",
            "bar1", "bar0_64bit", "sriov");
    static final List<String> SRIOV_KEYS = List.of("total_vfs", "vf_offset", "vf_stride", "vf_device");
    private static final IntRange SRIOV_COUNT = new IntRange(1, 0xFFFF, false, "as the SR-IOV capability holds it (16 bits)");

    private static final StrictToml.Kind KIND = new StrictToml.Kind("inventory", "samples/hosts/README.md",
            Map.of(), "");
    private static final IntRange ID = new IntRange(0, 0xFFFF, true, "a PCI id");
    private static final IntRange CLASS = new IntRange(0, 0xFF_FFFF, true, "the 24-bit class code: 0x030200 3D controller, 0x030000 VGA");
    private static final IntRange REVISION = new IntRange(0, 0xFF, true, "the revision id");
    private static final IntRange IOMMU_GROUP = new IntRange(0, Integer.MAX_VALUE, false, "the group number, N of /dev/vfio/N");
    private static final IntRange NUMA_NODE = new IntRange(-1, 1023, false, "-1 for none");
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");

    private static final Map<String, VirtualizationMode> MODES = Map.of(
            "host", VirtualizationMode.HOST, "none", VirtualizationMode.NONE, "passthrough", VirtualizationMode.NMOS,
            "nmos", VirtualizationMode.NMOS, "vgpu-guest", VirtualizationMode.VGX, "vgx", VirtualizationMode.VGX,
            "vsga", VirtualizationMode.HOST_VSGA, "host_vsga", VirtualizationMode.HOST_VSGA);

    /** PCIe generation by catalogue model, for the link a config space reports; unknown models get Gen3 x16. */
    private static final Map<String, PcieLink> LINKS = Map.of(
            "a100-40g", new PcieLink(4, 16), "a100-80g", new PcieLink(4, 16), "h100-80g", new PcieLink(5, 16));

    private InventoryLoader() {
    }

    /**
     * The inventory {@code nameOrPath} names: a built-in inventory ({@link #BUILT_IN}) first, else a TOML file.
     *
     * @throws ConfigException when it is neither, or the file is not a valid inventory
     */
    public static HostInventory resolve(String nameOrPath) {
        if (nameOrPath == null || nameOrPath.isBlank()) {
            throw new ValidationException("simulated host", nameOrPath, "name a built-in inventory ("
                    + String.join(", ", BUILT_IN) + ") or an inventory TOML file");
        }
        if (BUILT_IN.contains(nameOrPath)) return builtIn(nameOrPath);
        Path file = Path.of(nameOrPath);
        if (!Files.exists(file) && NAME.matcher(nameOrPath).matches()) {
            throw new ConfigException(KIND.noun(), file, "", 0, 0, "there is no built-in host inventory \"" + nameOrPath
                    + "\" and no such file; built-in: " + String.join(", ", BUILT_IN)
                    + "; or give the path of an inventory TOML file (see samples/hosts/)", null);
        }
        return load(file);
    }

    /** A built-in inventory by name. */
    public static HostInventory builtIn(String name) {
        if (!BUILT_IN.contains(name)) {
            throw new ValidationException("built-in host inventory", name, "one of " + String.join(", ", BUILT_IN));
        }
        String resource = name + ".toml";
        return read(StrictToml.parse(builtInBytes(resource), Path.of("samples/hosts", resource), KIND), null);
    }

    /**
     * The TOML text {@link #resolve} reads for {@code nameOrPath}, read without parsing it (a simulated host kept in a
     * directory compares it with the text it was made from); empty when {@code nameOrPath} names no built-in inventory
     * and no readable file, where {@link #resolve} says why.
     */
    public static Optional<String> source(String nameOrPath) {
        if (nameOrPath == null || nameOrPath.isBlank()) return Optional.empty();
        if (BUILT_IN.contains(nameOrPath)) return Optional.of(new String(builtInBytes(nameOrPath + ".toml"), UTF_8));
        try {
            return Optional.of(Files.readString(Path.of(nameOrPath)));
        } catch (IOException | RuntimeException e) { // missing, unreadable, not UTF-8, a bad path: resolve reports it
            return Optional.empty();
        }
    }

    private static byte[] builtInBytes(String resource) {
        try (InputStream in = InventoryLoader.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("the built-in inventory " + resource + " is missing from the library "
                        + "(it is copied from samples/hosts/ at build time)");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the built-in inventory " + resource, e);
        }
    }

    /** Reads and validates the inventory file {@code file}. */
    public static HostInventory load(Path file) {
        return read(StrictToml.read(file, KIND), file);
    }

    /** Validates inventory text; {@code source} (may be null) is the name errors give it. */
    public static HostInventory parse(String text, Path source) {
        return read(StrictToml.parse(text, source, KIND), source);
    }

    private static HostInventory read(TomlTable top, Path file) {
        top.requireSchema(SCHEMA_VERSION);
        top.checkKeys(TOP_KEYS);
        top.require("name", "the inventory's name, e.g. name = \"default\"");
        top.require("description", "one line saying what the host has, e.g. description = \"two A100 40GB\"");
        top.require("driver", "the NVIDIA driver: [driver] with version = \"550.54.14\"");
        String name = top.string("name").orElseThrow();
        if (!NAME.matcher(name).matches()) {
            throw top.error("name", "\"" + name + "\" is not an inventory name: lower-case letters, digits, '.', '_' "
                    + "and '-', starting with a letter or digit, at most 64 characters");
        }
        String description = top.string("description").orElseThrow();
        TomlTable driver = top.table("driver").orElseThrow();
        driver.checkKeys(DRIVER_KEYS);
        driver.require("version", "the driver release, e.g. version = \"550.54.14\"");
        NvrmRelease release = driver.guard("version", () -> NvrmRelease.parse(driver.string("version").orElseThrow()));
        NvrmAbi abi;
        try {
            abi = NvrmAbi.forRelease(release);
        } catch (UnsupportedDriverException e) {
            throw driver.error("version", "driver release " + release + " has no layout family in this library; "
                    + "known: " + String.join(", ", e.knownReleases()));
        }
        if (abi.vgpuTypes().isEmpty()) {
            throw driver.error("version", "driver release " + release + " has no vGPU type layout (its headers define "
                    + "none), so a simulated host cannot register types with it; give another release, e.g. 550.54.14");
        }
        VirtualizationMode hostMode = mode(driver).orElse(VirtualizationMode.HOST);
        List<TomlTable> gpuTables = top.tables("gpu", "gpu", "each GPU is a [[gpu]] table with an address and a model");
        List<InventoryGpu> gpus = new ArrayList<>(gpuTables.size());
        Map<PciAddress, String> seen = new HashMap<>();
        Map<Integer, String> groups = new HashMap<>();
        for (TomlTable g : gpuTables) {
            if (gpus.size() == abi.maxProbedGpus()) {
                throw g.error("address", "the driver of release " + release + " runs at most " + abi.maxProbedGpus()
                        + " GPUs (its probed-GPU list holds no more), and this is GPU " + (gpus.size() + 1)
                        + "; describe at most " + abi.maxProbedGpus() + " per host");
            }
            InventoryGpu gpu = gpu(g, hostMode);
            String earlier = seen.putIfAbsent(gpu.device().address(), g.path());
            if (earlier != null) {
                throw g.error("address", gpu.device().address() + " is already the address of " + earlier
                        + "; each GPU needs its own");
            }
            int group = gpu.device().iommuGroup().orElseThrow();
            String sharing = groups.putIfAbsent(group, g.path());
            if (sharing != null) {
                throw g.error(g.has("iommu_group") ? "iommu_group" : "address", "IOMMU group " + group + " is already "
                        + sharing + "'s (by default a GPU's group is its bus number); give each GPU its own iommu_group");
            }
            gpus.add(gpu);
        }
        return new HostInventory(name, description, release, gpus, Optional.ofNullable(file));
    }

    private static Optional<VirtualizationMode> mode(TomlTable t) {
        Optional<String> text = t.string("virtualization_mode");
        if (text.isEmpty()) return Optional.empty();
        VirtualizationMode mode = MODES.get(text.get()); // as strict as a configuration: no other case, no spaces
        if (mode == null) {
            throw t.error("virtualization_mode", "\"" + text.get() + "\" is not a virtualization mode; allowed: host "
                    + "(a vGPU host), none (bare metal), passthrough, vgpu-guest, vsga");
        }
        return Optional.of(mode);
    }

    private static InventoryGpu gpu(TomlTable g, VirtualizationMode hostMode) {
        g.checkKeys(GPU_KEYS);
        g.require("address", "the GPU's PCI address, e.g. address = \"0000:65:00.0\"");
        g.require("model", "a catalogue model: " + String.join(", ", GpuCatalogue.all().stream().map(GpuModel::id).toList()));
        String addressText = g.string("address").orElseThrow();
        if (!addressText.equals(addressText.strip())) {
            throw g.error("address", "\"" + addressText + "\" has white space around the address; write it alone, "
                    + "e.g. address = \"0000:65:00.0\"");
        }
        PciAddress address = g.guard("address", () -> PciAddress.parse(addressText));
        if (address.function() != 0) {
            throw g.error("address", address + " is not function 0; a GPU is function 0 of its slot (the others are its "
                    + "audio or USB functions, which the NVIDIA driver does not drive)");
        }
        String modelId = g.string("model").orElseThrow();
        GpuModel base = g.guard("model", () -> GpuCatalogue.get(modelId));
        PciId baseId = base.pciId();
        PciId id = g.guard("", () -> PciId.of(
                (int) g.integer("vendor", ID).orElse(baseId.vendor()), (int) g.integer("device", ID).orElse(baseId.device()),
                (int) g.integer("subsystem_vendor", ID).orElse(baseId.subsystemVendor()),
                (int) g.integer("subsystem_device", ID).orElse(baseId.subsystemDevice())));
        int classCode = (int) g.integer("class", CLASS).orElse(base.classCode());
        int revision = (int) g.integer("revision", REVISION).orElse(base.revision());
        String productName = g.string("name").orElse(base.name());
        if (productName.isBlank()) {
            throw g.error("name", "the GPU's product name is empty; give the name lspci shows, e.g. name = \""
                    + base.name() + "\", or leave the key out for the model's");
        }
        Size framebuffer = g.size("framebuffer").orElse(base.framebuffer());
        if (framebuffer.bytes() <= 0) {
            throw g.error("framebuffer", "\"" + g.string("framebuffer").orElseThrow() + "\" is no framebuffer: a "
                    + "positive whole number of MiB, e.g. framebuffer = \"" + base.framebuffer() + "\"");
        }
        Size bar1 = g.size("bar1").orElse(base.bar1());
        boolean bar0Is64Bit = g.bool("bar0_64bit").orElse(false);
        GpuModel model = g.guard(g.has("bar1") ? "bar1" : g.has("framebuffer") ? "framebuffer" : "", () -> new GpuModel(
                address.toString(), productName, id, classCode, revision, framebuffer, base.bar0(), bar1, base.bar3()));
        if (!bar0Is64Bit && model.bar0().bytes() > PhysicalGpu.MAX_32BIT_BAR0) {
            throw g.error("bar0_64bit", "a 32-bit BAR0 of " + model.bar0() + " does not fit below 4 GiB; set bar0_64bit = true");
        }
        List<PciResource> resources = PhysicalGpu.resources(model, address, bar0Is64Bit);
        byte[] config = PhysicalGpu.configSpace(model, resources, LINKS.getOrDefault(base.id(), PcieLink.GEN3_X16));
        // the made-up space must read back as what it was made from, as a real one would
        PciConfigSpace parsed = PciConfigSpace.parse(config, resources);
        if (!parsed.pciId().equals(id) || parsed.classCode() != classCode || parsed.revision() != revision) {
            throw new IllegalStateException("the config space made for " + address + " reads back as " + parsed.pciId());
        }
        PciDevice device = PciDevice.builder(address).id(id).revision(revision).classCode(classCode)
                .driver(id.vendor() == PciId.NVIDIA ? "nvidia" : null)
                .iommuGroup((int) g.integer("iommu_group", IOMMU_GROUP).orElse(address.bus()))
                .numaNode((int) g.integer("numa_node", NUMA_NODE).orElse(-1))
                .resources(resources).config(config).build();
        Optional<SriovCapability> sriov = g.table("sriov").map(InventoryLoader::sriov);
        return new InventoryGpu(device, productName, base.id(), framebuffer, mode(g).orElse(hostMode), sriov);
    }

    /** {@code sriov = { total_vfs = 32, vf_offset = 4, vf_stride = 1, vf_device = 0x2330 }}: as lspci -vvv shows it. */
    private static SriovCapability sriov(TomlTable s) {
        s.checkKeys(SRIOV_KEYS);
        for (String key : SRIOV_KEYS) {
            s.require(key, "the SR-IOV capability as lspci -vvv shows it: total_vfs (Total VFs), vf_offset (VF offset), "
                    + "vf_stride (stride), vf_device (Device ID)");
        }
        return s.guard("", () -> new SriovCapability((int) s.integer("total_vfs", SRIOV_COUNT).getAsLong(),
                (int) s.integer("vf_offset", SRIOV_COUNT).getAsLong(), (int) s.integer("vf_stride", SRIOV_COUNT).getAsLong(),
                (int) s.integer("vf_device", ID).getAsLong()));
    }
}
