package io.mdevgpu.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.mdevgpu.Display;
import io.mdevgpu.DriverException;
import io.mdevgpu.HostStateException;
import io.mdevgpu.KernelException;
import io.mdevgpu.MdevException;
import io.mdevgpu.MdevType;
import io.mdevgpu.MdevTypeBuilder;
import io.mdevgpu.NotVgpuHostException;
import io.mdevgpu.PciAddress;
import io.mdevgpu.PciId;
import io.mdevgpu.Size;
import io.mdevgpu.core.pci.Capability;
import io.mdevgpu.core.pci.ExtendedCapability;
import io.mdevgpu.core.pci.PciConfigSpace;
import io.mdevgpu.kernel.abi.nvrm.NvClass;
import io.mdevgpu.kernel.abi.nvrm.NvrmAbi;
import io.mdevgpu.kernel.abi.nvrm.VirtualizationMode;
import io.mdevgpu.kernel.nvrm.CardInfo;
import io.mdevgpu.kernel.nvrm.LinuxRmTransport;
import io.mdevgpu.kernel.nvrm.RmClient;
import io.mdevgpu.kernel.nvrm.RmGpu;
import io.mdevgpu.kernel.nvrm.RmTransport;
import io.mdevgpu.kernel.pci.LinuxPciDiscovery;
import io.mdevgpu.kernel.pci.PciDevice;
import io.mdevgpu.kernel.pci.PciDiscovery;
import io.mdevgpu.kernel.pci.PciResource;

/**
 * {@code mdevgpu driver}: talks to the NVIDIA driver through its RM API, read-only, and checks what it says against
 * sysfs. The version handshake and the layouts chosen; each probed GPU attached, its device and subdevice objects
 * allocated, its ids, device node and virtualization mode read (with {@code --heterogeneous-mode}, its vGPU
 * heterogeneous mode too: a GET, never set here), everything freed again; each answer set beside what
 * sysfs and {@code /proc/driver/nvidia} say. {@code --register-check} goes down the path that registers vGPU types
 * with a small type, which must stop before sending anything where the GPU is not a vGPU host. {@code --bench N}
 * times RM control round trips. Exit 1 when a check disagrees or the register check was refused.
 */
final class DriverCommand implements Verb {
    static final VerbSpec SPEC = VerbSpec.verb("driver")
            .description("Probe the NVIDIA driver through its RM API (read-only) and check its answers against sysfs.")
            .option("--bench", "N", "time N RM control round trips (GPU_GET_PCI_INFO) through the library: a "
                    + "warm-up of N, a loop of N, N timed one by one")
            .flag("--register-check", "go down the path that registers vGPU types with one small type; on a GPU "
                    + "that is not a vGPU host it must stop before sending anything (exit 1, naming the mode)")
            .flag("--heterogeneous-mode", "also read each GPU's vGPU heterogeneous mode (GPU_GET_VGPU_HETEROGENEOUS_MODE, "
                    + "R550+; a read only, never set here) and print the driver's status")
            .build();

    /** The type --register-check offers: small, valid for every release, never sent to a GPU that is not a vGPU host. */
    static final MdevType CHECK_TYPE = MdevTypeBuilder.number(531).name("mdevgpu register check").maxInstances(1)
            .framebuffer(Size.mib(1024)).reserved(Size.mib(64)).display(Display.DEFAULT).build();

    private static final String BUS = "BUS_GET_PCI_INFO";

    private final int bench;
    private final boolean registerCheck;
    private final boolean heterogeneousMode;

    /** Where the driver and sysfs are: the running host, unless a test puts a simulated one here. */
    Host host = Host.real();

    DriverCommand(Args args) {
        Integer n = args.value("--bench", Integer::valueOf);
        bench = n == null ? 0 : n;
        registerCheck = args.flag("--register-check");
        heterogeneousMode = args.flag("--heterogeneous-mode");
    }

    /**
     * The driver's transport and where its files are, and the PCI discovery to check it against.
     *
     * @param procDirectory {@code /proc/driver/nvidia}: its {@code version} and {@code gpus/ADDRESS/information}
     */
    record Host(RmTransport transport, String devDirectory, String procDirectory, PciDiscovery pci) {
        static Host real() {
            return new Host(new LinuxRmTransport(), "/dev", "/proc/driver/nvidia", new LinuxPciDiscovery());
        }
    }

    /** One answer of the driver beside what another source says. */
    record Check(String what, String driverSource, String driverSays, String otherSource, String otherSays) {
        boolean agrees() {
            return driverSays.equals(otherSays);
        }
    }

    @Override
    public int run(Invocation invocation) {
        if (bench < 0) {
            throw new io.mdevgpu.ValidationException("--bench", Integer.toString(bench), "a number of calls, 1 or more");
        }
        Map<String, Object> report = new LinkedHashMap<>();
        List<String> text = new ArrayList<>();
        List<NotVgpuHostException> refused = new ArrayList<>();
        int disagreements = 0;
        String versionPath = host.procDirectory() + "/version";
        String procVersion = host.transport().readText(versionPath).map(String::strip).orElse("(unreadable)");
        RmClient.Ledger ledger;
        RmClient rm = RmClient.newBuilder(host.transport()).devDirectory(host.devDirectory()).procVersionPath(versionPath).open();
        try (rm) {
            List<Integer> ids = rm.probedGpuIds();
            List<CardInfo> cards = rm.cardInfo();
            NvrmAbi abi = rm.abi();
            long probedSize = abi.sizeof(NvrmAbi.PROBED_IDS);
            report.put("proc_version", procVersion);
            report.put("handshake", ordered("command", rm.handshake().command(), "reply", rm.handshake().reply(),
                    "version_string", rm.handshake().versionString()));
            report.put("release", rm.release().version());
            report.put("layouts", abi.family());
            report.put("limits", abi.limits().toString());
            report.put("root_client", hex(rm.clientHandle()));
            report.put("probed_ids_params_size", probedSize);
            report.put("probed_gpu_ids", ids.stream().map(DriverCommand::hex).toList());
            text.add("NVIDIA driver, through the RM API on " + host.devDirectory() + "/nvidiactl");
            row(text, versionPath, procVersion.lines().findFirst().orElse(""));
            row(text, "version handshake", rm.handshake().toString());
            row(text, "layouts", abi.family() + " for " + rm.release() + " (" + abi.limits() + ")");
            row(text, "root client", hex(rm.clientHandle()));
            row(text, "GPU_GET_PROBED_IDS", probedSize + "-byte params: " + ids.stream().map(DriverCommand::hex).toList());
            row(text, "NV_ESC_CARD_INFO", cards.size() + (cards.size() == 1 ? " card" : " cards"));
            if (ids.isEmpty()) {
                throw new HostStateException("probe GPUs", host.devDirectory() + "/nvidiactl",
                        "the NVIDIA driver has probed no GPU", "check `lspci -k` and the kernel log for the nvidia module", null);
            }
            List<Map<String, Object>> gpus = new ArrayList<>();
            for (int id : ids) {
                Map<String, Object> g = new LinkedHashMap<>();
                List<Check> checks = new ArrayList<>();
                text.add("");
                probeGpu(rm, id, cards, g, checks, text, refused);
                disagreements += (int) checks.stream().filter(c -> !c.agrees()).count();
                gpus.add(g);
            }
            report.put("gpus", gpus);
            if (bench > 0) {
                ControlBench.Result r = ControlBench.run(rm, ids.getFirst(), bench);
                Map<String, Object> b = new LinkedHashMap<>();
                b.put("control", "NV0000_CTRL_CMD_GPU_GET_PCI_INFO (0x21b)");
                b.put("gpu_id", hex(ids.getFirst()));
                b.put("calls", r.calls());
                b.put("loop_ns_per_call", Math.round(r.loopMean()));
                b.put("mean_ns", Math.round(r.mean()));
                b.put("median_ns", r.median());
                b.put("p99_ns", r.p99());
                b.put("min_ns", r.min());
                b.put("max_ns", r.max());
                report.put("bench", b);
                text.add("");
                text.add("bench: " + r.calls() + " x GPU_GET_PCI_INFO (0x21b) on gpu id " + hex(ids.getFirst())
                        + " through RmClient.pciAddress, after " + r.calls() + " warm-up calls");
                row(text, "loop", String.format("%.0f ns per call", r.loopMean()));
                row(text, "one by one", String.format("mean %.0f ns, median %d ns, p99 %d ns (min %d, max %d)",
                        r.mean(), r.median(), r.p99(), r.min(), r.max()));
            }
        } finally {
            ledger = rm.ledger();
        }
        report.put("ledger", ordered("objects_allocated", ledger.objectsAllocated(), "objects_freed", ledger.objectsFreed(),
                "nodes_opened", ledger.nodesOpened(), "nodes_closed", ledger.nodesClosed(), "live", ledger.live()));
        report.put("disagreements", disagreements);
        text.add("");
        row(text, "left behind", ledger + (ledger.live() == 0 ? ": nothing" : ": " + ledger.live() + " still held"));

        PrintWriter out = invocation.out();
        if (invocation.json()) {
            Json.print(out, report);
        } else {
            text.forEach(out::println);
        }
        if (!refused.isEmpty()) throw refused.getFirst();
        if (disagreements > 0 || ledger.live() != 0) {
            invocation.err().println("mdevgpu: " + disagreements + " of the driver's answers disagree with sysfs"
                    + (ledger.live() != 0 ? "; " + ledger.live() + " RM objects or device nodes were left behind" : ""));
            return Main.FAILED;
        }
        return Main.OK;
    }

    private void probeGpu(RmClient rm, int id, List<CardInfo> cards, Map<String, Object> g, List<Check> checks,
                          List<String> text, List<NotVgpuHostException> refused) {
        PciAddress address = rm.pciAddress(id);
        Optional<CardInfo> card = cards.stream().filter(c -> c.gpuId() == id).findFirst();
        int mode;
        PciId busId;
        int revision, minor;
        text.add("GPU " + address + " (gpu id " + hex(id) + ")");
        row(text, "GPU_GET_PCI_INFO", address.toString());
        g.put("gpu_id", hex(id));
        g.put("address", address.toString());
        int hDevice, hSubdevice;
        try (RmGpu gpu = rm.openGpu(id)) {
            busId = gpu.pciId();
            revision = gpu.revision();
            minor = gpu.minor();
            hDevice = gpu.deviceHandle();
            hSubdevice = gpu.subdeviceHandle();
            mode = gpu.virtualizationMode();
            g.put("device_instance", gpu.deviceInstance());
            g.put("subdevice_instance", gpu.subdeviceInstance());
            g.put("bus_pci_info", ordered("vendor", hex4(busId.vendor()), "device", hex4(busId.device()),
                    "subsystem_vendor", hex4(busId.subsystemVendor()), "subsystem_device", hex4(busId.subsystemDevice()),
                    "revision", hex2(revision)));
            g.put("device_node", host.devDirectory() + "/nvidia" + minor);
            g.put("device_handle", hex(hDevice));
            g.put("subdevice_handle", hex(hSubdevice));
            g.put("virtualization_mode", ordered("code", mode, "name", VirtualizationMode.describe(mode)));
            row(text, "GPU_GET_ID_INFO", "device instance " + gpu.deviceInstance() + ", subdevice instance " + gpu.subdeviceInstance());
            row(text, "BUS_GET_PCI_INFO", ids(busId) + " rev " + hex2(revision));
            row(text, "NV_ESC_CARD_INFO", host.devDirectory() + "/nvidia" + minor + card.map(c -> ", irq " + c.interruptLine()
                    + ", registers " + window(c.registerBase(), c.registerSize()) + ", framebuffer "
                    + window(c.framebufferBase(), c.framebufferSize())).orElse(""));
            row(text, "objects", NvClass.name(NvClass.NV01_DEVICE_0) + " " + hex(hDevice) + ", "
                    + NvClass.name(NvClass.NV20_SUBDEVICE_0) + " " + hex(hSubdevice));
            row(text, "GPU_GET_VIRTUALIZATION_MODE", VirtualizationMode.describe(mode) + " [" + mode + "]");
            if (heterogeneousMode) heterogeneousMode(gpu, g, text);
            if (registerCheck) {
                g.put("register_check", registerCheck(gpu, mode, text, refused));
            }
        }
        row(text, "freed", "subdevice, device, /dev/nvidia" + minor + " closed, GPU detached");
        g.put("freed", true);
        crossCheck(address, card, busId, revision, minor, g, checks, text);
    }

    /** Reads the vGPU heterogeneous mode (GET only: this verb never sets it); the answer, or the typed refusal. */
    private static void heterogeneousMode(RmGpu gpu, Map<String, Object> g, List<String> text) {
        Map<String, Object> answer;
        String row;
        try {
            boolean on = gpu.heterogeneousMode();
            answer = ordered("status", "NV_OK", "on", on);
            row = (on ? "on" : "off") + " [NV_OK]";
        } catch (DriverException e) {
            answer = ordered("status", e.statusName(), "message", e.getMessage());
            row = e.statusName() + ": " + e.getMessage();
        } catch (KernelException e) { // EOPNOTSUPP: the release has no such control
            answer = ordered("status", e.errno().name(), "message", e.getMessage());
            row = "not in this release: " + e.getMessage();
        }
        g.put("vgpu_heterogeneous_mode", answer);
        row(text, "GPU_GET_VGPU_HETEROGENEOUS_MODE", row);
    }

    /** The registration path with one small type: it must refuse before sending anything unless the GPU is a host. */
    private Map<String, Object> registerCheck(RmGpu gpu, int mode, List<String> text, List<NotVgpuHostException> refused) {
        if (mode == VirtualizationMode.HOST.code()) {
            // on a vGPU host the path would really register the type: a check must not change the driver
            row(text, "register check", "skipped: this GPU is a vGPU host, where registering changes the driver; use apply");
            return ordered("result", "skipped", "reason", "vGPU host");
        }
        try {
            gpu.registerTypes(List.of(CHECK_TYPE), false);
        } catch (NotVgpuHostException e) {
            refused.add(e);
            row(text, "register check", "refused before anything was sent: " + e.getMessage());
            return ordered("result", "refused", "exception", e.getClass().getSimpleName(),
                    "virtualization_mode", e.virtualizationMode(), "message", e.getMessage());
        }
        throw new IllegalStateException("registerTypes accepted a type on " + gpu + " in virtualization mode "
                + VirtualizationMode.describe(mode) + ": the mode check did not stop it");
    }

    private void crossCheck(PciAddress address, Optional<CardInfo> card, PciId busId, int revision, int minor,
                            Map<String, Object> g, List<Check> checks, List<String> text) {
        Map<String, Object> sysfs = new LinkedHashMap<>();
        g.put("sysfs", sysfs);
        Optional<PciDevice> found;
        try {
            found = Optional.of(host.pci().device(address));
        } catch (MdevException e) {
            found = Optional.empty();
            sysfs.put("error", e.getMessage());
        }
        String rmPci = "GPU_GET_PCI_INFO", cardInfo = "NV_ESC_CARD_INFO";
        checks.add(new Check("address", rmPci, address.toString(), "sysfs", found.map(d -> d.address().toString()).orElse("(absent)")));
        Map<String, String> information = procInformation(address);
        if (found.isPresent()) {
            PciDevice d = found.get();
            PciId s = d.id();
            sysfs.put("class", String.format("%06x %s", d.classCode(), d.className()));
            sysfs.put("driver", d.driver().orElse("none"));
            sysfs.put("bars", d.bars().stream().map(PciResource::toString).toList());
            row(text, "sysfs", d.toString());
            checks.add(new Check("vendor:device", BUS, pair(busId.vendor(), busId.device()), "sysfs", pair(s.vendor(), s.device())));
            checks.add(new Check("subsystem", BUS, pair(busId.subsystemVendor(), busId.subsystemDevice()), "sysfs",
                    pair(s.subsystemVendor(), s.subsystemDevice())));
            checks.add(new Check("revision", BUS, hex2(revision), "sysfs", hex2(d.revision())));
            checks.add(new Check("bound driver", "RM", "nvidia", "sysfs", d.driver().orElse("none")));
            List<PciResource> memory = PciResource.memoryBars(d.resources());
            card.ifPresent(c -> {
                checks.add(new Check("card address", cardInfo, c.address() + " " + pair(c.id().vendor(), c.id().device()),
                        "sysfs", d.address() + " " + pair(s.vendor(), s.device())));
                checks.add(new Check("register window", cardInfo, window(c.registerBase(), c.registerSize()),
                        "sysfs " + (memory.isEmpty() ? "BAR0" : memory.get(0).label()),
                        memory.isEmpty() ? "(none)" : window(memory.get(0).start(), memory.get(0).size())));
                checks.add(new Check("framebuffer window", cardInfo, window(c.framebufferBase(), c.framebufferSize()),
                        "sysfs " + (memory.size() < 2 ? "BAR2" : memory.get(1).label()),
                        memory.size() < 2 ? "(none)" : window(memory.get(1).start(), memory.get(1).size())));
            });
            configSpace(d, busId, revision, sysfs, checks, text);
        }
        if (!information.isEmpty()) {
            String where = "/proc information";
            checks.add(new Check("device minor", cardInfo, Integer.toString(minor), where, information.getOrDefault("Device Minor", "(absent)")));
            card.ifPresent(c -> checks.add(new Check("irq", cardInfo, Integer.toString(c.interruptLine()), where,
                    information.getOrDefault("IRQ", "(absent)"))));
            checks.add(new Check("bus location", rmPci, address.toString(), where, information.getOrDefault("Bus Location", "(absent)")));
            g.put("proc_information", information);
        }
        List<Map<String, Object>> json = new ArrayList<>();
        for (Check c : checks) {
            text.add(String.format("  %-9s %-18s %-16s %-44s %s %s", c.agrees() ? "agree" : "DISAGREE", c.what(),
                    c.driverSource(), c.driverSays(), c.otherSource() + ":", c.otherSays()));
            json.add(ordered("what", c.what(), "driver_source", c.driverSource(), "driver_says", c.driverSays(),
                    "other_source", c.otherSource(), "other_says", c.otherSays(), "agree", c.agrees()));
        }
        g.put("checks", json);
    }

    /** The config space's ids against the sysfs attributes and the driver, and its capability chain. */
    private static void configSpace(PciDevice d, PciId busId, int revision, Map<String, Object> sysfs, List<Check> checks,
                                    List<String> text) {
        if (d.configSize() < 256) {
            row(text, "config space", "only " + d.configSize() + " bytes readable (root reads all 4096)");
            sysfs.put("config_bytes", d.configSize());
            return;
        }
        PciConfigSpace space;
        try {
            space = PciConfigSpace.parse(d.config(), d.resources());
        } catch (MdevException e) {
            checks.add(new Check("config space", "sysfs config", "(unparsable)", "sysfs", e.getMessage()));
            return;
        }
        String fromConfig = ids(space.pciId()) + " rev " + hex2(space.revision()) + String.format(" class %06x", space.classCode());
        checks.add(new Check("config space ids", "sysfs config", fromConfig, "sysfs attributes",
                ids(d.id()) + " rev " + hex2(d.revision()) + String.format(" class %06x", d.classCode())));
        checks.add(new Check("config vs driver", "sysfs config", ids(space.pciId()) + " rev " + hex2(space.revision()),
                BUS, ids(busId) + " rev " + hex2(revision)));
        List<String> caps = space.capabilities().stream().map(DriverCommand::capability).toList();
        List<String> extended = space.extendedCapabilities().stream().map(ExtendedCapability::toString).toList();
        sysfs.put("config_bytes", space.size());
        sysfs.put("capabilities", caps);
        sysfs.put("extended_capabilities", extended);
        row(text, "capabilities", String.join(" -> ", caps));
        row(text, "extended", String.join(" -> ", extended));
    }

    /** {@code /proc/driver/nvidia/gpus/ADDRESS/information} as key and value; empty where unreadable. */
    private Map<String, String> procInformation(PciAddress address) {
        Map<String, String> fields = new LinkedHashMap<>();
        host.transport().readText(host.procDirectory() + "/gpus/" + address + "/information").ifPresent(t -> t.lines()
                .forEach(line -> {
                    int colon = line.indexOf(':');
                    if (colon > 0) fields.put(line.substring(0, colon).strip(), line.substring(colon + 1).strip());
                }));
        return fields;
    }

    /** A map that keeps the order given, so that the JSON reads in the order of the text. */
    private static Map<String, Object> ordered(Object... keysAndValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            m.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return m;
    }

    private static String capability(Capability c) {
        return String.format("0x%02x %s", c.offset(), c.name());
    }

    private static void row(List<String> text, String label, String value) {
        text.add(String.format("  %-28s %s", label, value));
    }

    private static String window(long base, Size size) {
        return "0x" + Long.toHexString(base) + " " + size;
    }

    private static String ids(PciId id) {
        return pair(id.vendor(), id.device()) + " [" + pair(id.subsystemVendor(), id.subsystemDevice()) + "]";
    }

    private static String pair(int vendor, int device) {
        return hex4(vendor) + ":" + hex4(device);
    }

    static String hex(int value) {
        return "0x" + Integer.toHexString(value);
    }

    private static String hex4(int value) {
        return String.format("%04x", value);
    }

    private static String hex2(int value) {
        return String.format("%02x", value);
    }
}
