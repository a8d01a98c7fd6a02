package io.mdevgpu.sim;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import io.mdevgpu.Display;
import io.mdevgpu.HostStateException;
import io.mdevgpu.MdevType;
import io.mdevgpu.PciAddress;
import io.mdevgpu.PciId;
import io.mdevgpu.Size;
import io.mdevgpu.kernel.sysfs.SysfsLayout;

/**
 * What a simulated kernel keeps in memory that outlives one process's use of it, as the text of its state file: each
 * GPU's vGPU type table (the driver's), the types each registered parent last published, the mdev instances (with
 * the type each was created as, whether a remove waits for it), which processes hold a VFIO device (an instance's
 * or a VF's) open, and each SR-IOV GPU's VFs. RM clients and handles are not in it: the real driver frees them with the fd that made them.
 *
 * <pre>
 * mdevgpu-simulated-kernel 1
 * host driver 550.54.14; 0000:65:00.0 NVIDIA A100-PCIE-40GB 10de:20f1 ...
 * table 0000:65:00.0 number=1 name=GRID+A100-1-5C ...
 * published 0000:65:00.0 number=1 ...
 * registered 0000:65:00.0
 * instance 6f9a...-... 0000:65:00.0 nvidia-1 group=12 removing=false number=1 ...
 * holder 6f9a...-... pid=4242 start=1732450000000 opener=-81236490127
 * holder 0c1e...-... pid=4243 start=1732450000500 opener=77120934 holds=group
 * holder 0000:17:00.4 pid=4244 start=1732450000900 opener=5521907
 * sriov 0000:17:00.0 vfs=32 heterogeneous=false
 * vf 0000:17:00.0 index=0 number=532 name=Open+vAmpere%2F8 ...
 * </pre>
 *
 * @param host       the host the state belongs to ({@link #hostOf(SimulatedHostSpec)}): reopening with another fails
 * @param tables     each GPU's type table, by address, in the driver's order
 * @param registered the GPUs registered as mdev parents, each with the types it last published
 * @param instances  the instances, in creation order
 * @param holders    processes holding a VFIO device open, an instance's (another process's remove waits for them)
 *                   or a VF's (another process's freeing of the VF is EBUSY), or only its VFIO group (another
 *                   process's open of the group is EBUSY)
 * @param sriov      each SR-IOV GPU's enabled VFs, heterogeneous mode and the vGPU types its VFs hold
 */
record SimKernelState(String host, Map<PciAddress, List<MdevType>> tables, Map<PciAddress, List<MdevType>> registered,
                      List<InstanceRecord> instances, List<Holder> holders, List<SriovRecord> sriov) {
    static final String MAGIC = "mdevgpu-simulated-kernel 1";

    /** One mdev instance: {@code type} is the type as it was when created (the table may have changed since). */
    record InstanceRecord(UUID uuid, PciAddress parent, String typeId, int group, boolean removing, MdevType type) {
    }

    /**
     * A simulated kernel ({@code opener}, one per {@link SimulatedKernel} object: a process may open a host twice)
     * of a process (by pid and start time, so that a reused pid does not count) holding VFIO device {@code name} (an
     * mdev instance's UUID, or an SR-IOV VF's PCI address) open ({@code device}), or only its VFIO group: either
     * makes the group busy for every other process; only an open device holds back a remove of the instance or the
     * freeing of the VF. A killed process's holders stay in the file until the next write, which drops them: they
     * count only while their process lives.
     */
    record Holder(String name, long pid, long startMillis, long opener, boolean device) {
        static Holder of(String name, ProcessHandle process, long opener, boolean device) {
            return new Holder(name, process.pid(), startMillis(process), opener, device);
        }

        boolean isAlive() {
            return ProcessHandle.of(pid).filter(p -> startMillis(p) == startMillis).map(ProcessHandle::isAlive).orElse(false);
        }

        private static long startMillis(ProcessHandle p) {
            return p.info().startInstant().map(i -> i.toEpochMilli()).orElse(0L);
        }

        /** A holder line's device name: an instance's UUID or a VF's PCI address, as the simulated VFIO names them. */
        static String deviceName(String text) {
            if (text.length() == 36) return SysfsLayout.name(UUID.fromString(text));
            return PciAddress.parse(text).toString();
        }
    }

    /** An SR-IOV GPU: how many VFs are enabled, its heterogeneous mode and, by VF index, the type each VF holds. */
    record SriovRecord(PciAddress pf, int numVfs, boolean heterogeneous, Map<Integer, MdevType> types) {
        SriovRecord {
            types = Map.copyOf(types);
        }
    }

    SimKernelState {
        sriov = List.copyOf(sriov);
        tables = Map.copyOf(tables);
        registered = Map.copyOf(registered);
        instances = List.copyOf(instances);
        holders = List.copyOf(holders);
    }

    /** What identifies a host for its state: the driver's version and every GPU as the spec describes it. */
    static String hostOf(SimulatedHostSpec spec) {
        return "driver " + spec.driverVersion() + "; " + spec.gpus().stream().map(SimulatedGpu::toString).toList();
    }

    /** Entries by key: an own lambda, which the AOT cache keeps (Map.Entry.comparingByKey's is spun at every start). */
    private static <K extends Comparable<K>, V> Comparator<Map.Entry<K, V>> byKey() {
        return (a, b) -> a.getKey().compareTo(b.getKey());
    }

    String text() {
        StringBuilder b = new StringBuilder(MAGIC).append('\n');
        b.append("host ").append(host).append('\n');
        tables.entrySet().stream().sorted(byKey())
                .forEach(e -> e.getValue().forEach(t -> b.append("table ").append(e.getKey()).append(' ').append(typeText(t)).append('\n')));
        registered.entrySet().stream().sorted(byKey()).forEach(e -> {
            b.append("registered ").append(e.getKey()).append('\n');
            e.getValue().forEach(t -> b.append("published ").append(e.getKey()).append(' ').append(typeText(t)).append('\n'));
        });
        for (InstanceRecord i : instances) {
            b.append("instance ").append(i.uuid).append(' ').append(i.parent).append(' ').append(i.typeId)
                    .append(" group=").append(i.group).append(" removing=").append(i.removing).append(' ')
                    .append(typeText(i.type)).append('\n');
        }
        for (Holder h : holders) {
            b.append("holder ").append(h.name).append(" pid=").append(h.pid).append(" start=").append(h.startMillis)
                    .append(" opener=").append(h.opener).append(h.device ? "" : " holds=group").append('\n');
        }
        for (SriovRecord r : sriov) {
            b.append("sriov ").append(r.pf).append(" vfs=").append(r.numVfs).append(" heterogeneous=").append(r.heterogeneous)
                    .append('\n');
            r.types.entrySet().stream().sorted(byKey()).forEach(e -> b.append("vf ").append(r.pf)
                    .append(" index=").append(e.getKey()).append(' ').append(typeText(e.getValue())).append('\n'));
        }
        return b.toString();
    }

    /**
     * Reads {@code text}, the content of {@code file}.
     *
     * @throws HostStateException naming the file and the line where it is not a state this version wrote
     */
    static SimKernelState parse(String text, Path file) {
        List<String> lines = text.lines().toList();
        if (lines.isEmpty() || !lines.getFirst().equals(MAGIC)) {
            throw corrupt(file, 1, "it does not begin with \"" + MAGIC + "\"");
        }
        String host = null;
        Map<PciAddress, List<MdevType>> tables = new LinkedHashMap<>();
        Map<PciAddress, List<MdevType>> registered = new LinkedHashMap<>();
        List<InstanceRecord> instances = new ArrayList<>();
        List<Holder> holders = new ArrayList<>();
        Map<PciAddress, SriovRecord> sriov = new LinkedHashMap<>();
        for (int n = 1; n < lines.size(); n++) {
            String line = lines.get(n);
            String[] w = line.split(" ");
            try {
                switch (w[0]) {
                    case "host" -> host = line.substring(5);
                    case "table" -> tables.computeIfAbsent(PciAddress.parse(w[1]), k -> new ArrayList<>()).add(type(w, 2));
                    case "registered" -> registered.put(PciAddress.parse(w[1]), new ArrayList<>());
                    case "published" -> {
                        List<MdevType> published = registered.get(PciAddress.parse(w[1]));
                        if (published == null) throw new IllegalArgumentException("published before its registered line");
                        published.add(type(w, 2));
                    }
                    case "instance" -> {
                        Fields f = Fields.of(w, 4);
                        instances.add(new InstanceRecord(UUID.fromString(w[1]), PciAddress.parse(w[2]), w[3],
                                f.integer("group"), Boolean.parseBoolean(f.text("removing")), type(w, 4)));
                    }
                    case "holder" -> {
                        Fields f = Fields.of(w, 2);
                        holders.add(new Holder(Holder.deviceName(w[1]), f.longInteger("pid"), f.longInteger("start"),
                                f.longInteger("opener"), f.holds()));
                    }
                    case "sriov" -> {
                        Fields f = Fields.of(w, 2);
                        sriov.put(PciAddress.parse(w[1]), new SriovRecord(PciAddress.parse(w[1]), f.integer("vfs"),
                                f.bool("heterogeneous"), new LinkedHashMap<>()));
                    }
                    case "vf" -> {
                        SriovRecord r = sriov.get(PciAddress.parse(w[1]));
                        if (r == null) throw new IllegalArgumentException("vf before its sriov line");
                        Map<Integer, MdevType> types = new LinkedHashMap<>(r.types());
                        types.put(Fields.of(new String[] {w[2]}, 0).integer("index"), type(w, 3));
                        sriov.put(r.pf(), new SriovRecord(r.pf(), r.numVfs(), r.heterogeneous(), types));
                    }
                    default -> throw new IllegalArgumentException("unknown record \"" + w[0] + "\"");
                }
            } catch (RuntimeException e) { // a malformed number, address, UUID or type: whichever it was, say where
                throw corrupt(file, n + 1, e.getMessage());
            }
        }
        if (host == null) throw corrupt(file, lines.size(), "it names no host");
        return new SimKernelState(host, tables, registered, instances, holders, List.copyOf(sriov.values()));
    }

    private static HostStateException corrupt(Path file, int line, String problem) {
        return new HostStateException("read the simulated kernel's state", file + ":" + line,
                "it is not a state this version of mdevgpu wrote: " + problem,
                "delete the simulated host's directory (" + root(file) + ") to start it afresh", null);
    }

    static Path root(Path stateFile) {
        Path p = stateFile.toAbsolutePath().getParent();
        return p == null || p.getParent() == null || p.getParent().getParent() == null ? stateFile : p.getParent().getParent();
    }

    // ---- a type as one line of key=value words ----

    static String typeText(MdevType t) {
        return "number=" + t.number() + " name=" + word(t.name()) + " class=" + word(t.gpuClass())
                + " max=" + t.maxInstances() + " fb=" + t.framebuffer().toMiB() + " reserved=" + t.reserved().toMiB()
                + " mappable=" + t.mappableVideo().toMiB() + " bar1=" + t.bar1().toMiB()
                + " guest=" + t.guestPciId().map(SimKernelState::idText).orElse("-")
                + " host=" + t.hostPciId().map(SimKernelState::idText).orElse("-")
                + " ecc=" + t.ecc() + " multi=" + t.multiVgpu() + " encoder=" + t.encoderCapacity()
                + " heads=" + t.display().heads() + " x=" + t.display().maxResolutionX() + " y=" + t.display().maxResolutionY()
                + " frl=" + t.display().frameRateLimit() + " limiter=" + t.display().frameRateLimiter();
    }

    private static MdevType type(String[] words, int from) {
        Fields f = Fields.of(words, from);
        return new MdevType(f.integer("number"), unword(f.text("name")), unword(f.text("class")), f.integer("max"),
                f.mib("fb"), f.mib("reserved"), f.mib("mappable"), f.mib("bar1"), id(f.text("guest")), id(f.text("host")),
                f.bool("ecc"), f.bool("multi"), f.integer("encoder"),
                new Display(f.integer("heads"), f.integer("x"), f.integer("y"), f.integer("frl"), f.bool("limiter")));
    }

    /** The key=value words of a line from {@code from} on; reading a key the line lacks says which. Shared by the kept inventory's lines. */
    record Fields(Map<String, String> values) {
        static Fields of(String[] words, int from) {
            Map<String, String> values = new HashMap<>();
            for (String w : Arrays.copyOfRange(words, from, words.length)) {
                int eq = w.indexOf('=');
                if (eq < 1) throw new IllegalArgumentException("\"" + w + "\" is no key=value");
                values.put(w.substring(0, eq), w.substring(eq + 1));
            }
            return new Fields(values);
        }

        String text(String key) {
            String v = values.get(key);
            if (v == null) throw new IllegalArgumentException("no " + key + "=");
            return v;
        }

        int integer(String key) {
            return Integer.parseInt(text(key));
        }

        long longInteger(String key) {
            return Long.parseLong(text(key));
        }

        Size mib(String key) {
            return Size.mib(Long.parseLong(text(key)));
        }

        /** {@code holds=group} for a group-only holder; absent (as files before it have it) for a device's. */
        boolean holds() {
            String v = values.getOrDefault("holds", "device");
            if (!v.equals("device") && !v.equals("group")) throw new IllegalArgumentException("holds=" + v + " is not device or group");
            return v.equals("device");
        }

        boolean bool(String key) {
            String v = text(key);
            if (!v.equals("true") && !v.equals("false")) throw new IllegalArgumentException(key + "=" + v + " is not true or false");
            return v.equals("true");
        }
    }

    static String word(String s) {
        return URLEncoder.encode(s, UTF_8);
    }

    static String unword(String s) {
        return URLDecoder.decode(s, UTF_8);
    }

    static String idText(PciId id) {
        return String.format("%04x:%04x:%04x:%04x", id.vendor(), id.device(), id.subsystemVendor(), id.subsystemDevice());
    }

    static Optional<PciId> id(String text) {
        if (text.equals("-")) return Optional.empty();
        String[] p = text.split(":");
        if (p.length != 4) throw new IllegalArgumentException("PCI id \"" + text + "\" is not vvvv:dddd:ssss:ssss");
        return Optional.of(PciId.of(Integer.parseInt(p[0], 16), Integer.parseInt(p[1], 16), Integer.parseInt(p[2], 16),
                Integer.parseInt(p[3], 16)));
    }
}
