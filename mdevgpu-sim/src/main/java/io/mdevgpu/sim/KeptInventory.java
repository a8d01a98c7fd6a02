package io.mdevgpu.sim;

import static io.mdevgpu.sim.SimKernelState.unword;
import static io.mdevgpu.sim.SimKernelState.word;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.zip.CRC32;

import io.mdevgpu.HostStateException;
import io.mdevgpu.PciAddress;
import io.mdevgpu.core.inventory.HostInventory;
import io.mdevgpu.core.inventory.InventoryGpu;
import io.mdevgpu.core.inventory.InventoryLoader;
import io.mdevgpu.kernel.abi.nvrm.NvrmRelease;
import io.mdevgpu.kernel.abi.nvrm.VirtualizationMode;
import io.mdevgpu.kernel.pci.PciDevice;
import io.mdevgpu.kernel.pci.PciResource;
import io.mdevgpu.kernel.pci.SriovCapability;
import io.mdevgpu.kernel.sysfs.SysfsReader;
import io.mdevgpu.sim.SimKernelState.Fields;

/**
 * The inventory a simulated host kept in a directory was made from, as resolved then, in
 * {@code run/mdevgpu-sim/inventory} beside the kernel's state: reopening the host reads it instead of parsing the
 * inventory's TOML again, which costs a cold process most of its start-up. It is used only while the command names
 * the same inventory (the same built-in name, or the same file by absolute path) and that inventory's text is still
 * the text it was made from; otherwise the inventory is resolved as on the first open (and the host's state then
 * refuses one describing other GPUs, as before). Written by the provider under the host's lock after a resolve.
 *
 * <pre>
 * mdevgpu-simulated-inventory 1
 * inventory default                               the inventory as named: a built-in name or an absolute path
 * source %23+The+default+simulated+host...        the TOML text it was resolved from (URL-encoded)
 * host name=default description=two+A100... driver=550.54.14
 * gpu 0000:17:00.0 id=10de:20b0:10de:134f revision=161 class=197120 driver=nvidia group=23 numa=0 model=... catalogue=a100-40g framebuffer=40960 mode=HOST sriov=-
 * resource 0000:17:00.0 index=0 start=... end=... flags=...
 * config 0000:17:00.0 size=4096 de10b02006...    the config space, in hex up to its last non-zero byte
 * end 5f0c2a91                                    CRC-32 of every line before it: a torn or edited file is refused
 * </pre>
 *
 * @param argument  the inventory as the host was opened with it, by {@link #keyOf}
 * @param source    the TOML text it was resolved from
 * @param inventory what it resolved to
 */
record KeptInventory(String argument, String source, HostInventory inventory) {
    static final String FILE = "inventory";
    static final String MAGIC = "mdevgpu-simulated-inventory 1";
    private static final HexFormat HEX = HexFormat.of();

    /** The kept inventory file of the host kept in {@code root}. */
    static Path fileOf(Path root) {
        return root.toAbsolutePath().normalize().resolve(SimKernelStore.DIRECTORY).resolve(FILE);
    }

    /**
     * The inventory kept for the host in {@code root}, when {@code argument} names the one it was made from and
     * {@code source}, that one's text now ({@link InventoryLoader#source}), is the text it was made from; empty when
     * there is none (a host made before this file existed) or it was made from another inventory or text.
     *
     * @throws HostStateException naming the file and line when the file is not one this version wrote
     */
    static Optional<HostInventory> read(Path root, String argument, Optional<String> source) {
        Path file = fileOf(root);
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw SysfsReader.failure("read", file, e);
        }
        KeptInventory kept = parse(text, file, argument);
        if (!kept.argument.equals(keyOf(argument))) return Optional.empty();
        return source.isPresent() && source.get().equals(kept.source) ? Optional.of(kept.inventory) : Optional.empty();
    }

    /**
     * What identifies the inventory {@code argument} names: a built-in name itself, a file by its absolute path (so
     * that the same file named from another directory is the same inventory).
     */
    static String keyOf(String argument) {
        if (InventoryLoader.BUILT_IN.contains(argument)) return argument;
        try {
            return Path.of(argument).toAbsolutePath().normalize().toString();
        } catch (InvalidPathException e) {
            return argument;
        }
    }

    String text() {
        StringBuilder b = new StringBuilder(MAGIC).append('\n');
        b.append("inventory ").append(word(argument)).append('\n');
        b.append("source ").append(word(source)).append('\n');
        b.append("host name=").append(word(inventory.name())).append(" description=").append(word(inventory.description()))
                .append(" driver=").append(word(inventory.driver().version())).append('\n');
        for (InventoryGpu g : inventory.gpus()) {
            PciDevice d = g.device();
            b.append("gpu ").append(d.address()).append(" id=").append(SimKernelState.idText(d.id()))
                    .append(" revision=").append(d.revision()).append(" class=").append(d.classCode())
                    .append(" driver=").append(d.driver().map(SimKernelState::word).orElse("-"))
                    .append(" group=").append(d.iommuGroup().isPresent() ? Integer.toString(d.iommuGroup().getAsInt()) : "-")
                    .append(" numa=").append(d.numaNode()).append(" model=").append(word(g.model()))
                    .append(" catalogue=").append(word(g.catalogueId())).append(" framebuffer=").append(g.framebuffer().toMiB())
                    .append(" mode=").append(g.virtualizationMode().name())
                    .append(" sriov=").append(g.sriov().map(s -> s.totalVfs() + ":" + s.offset() + ":" + s.stride() + ":"
                            + s.vfDevice()).orElse("-")).append('\n');
            for (PciResource r : d.resources()) {
                b.append("resource ").append(d.address()).append(" index=").append(r.index()).append(" start=")
                        .append(r.start()).append(" end=").append(r.end()).append(" flags=").append(r.flags()).append('\n');
            }
            byte[] config = d.config();
            int used = config.length;
            while (used > 0 && config[used - 1] == 0) used--; // most of a made-up 4 KiB space is zeros
            b.append("config ").append(d.address()).append(" size=").append(config.length).append(' ')
                    .append(HEX.formatHex(config, 0, used)).append('\n');
        }
        String checksum = crc(b);
        return b.append("end ").append(checksum).append('\n').toString();
    }

    /**
     * Reads {@code text}, the content of {@code file}; {@code argument} is the inventory named now, which a kept file
     * from a file inventory gives as the source of its {@link HostInventory} (as resolving it would).
     *
     * @throws HostStateException naming the file and line where it is not a file this version wrote
     */
    static KeptInventory parse(String text, Path file, String argument) {
        List<String> lines = text.lines().toList();
        if (lines.isEmpty() || !lines.getFirst().equals(MAGIC)) {
            throw corrupt(file, 1, "it does not begin with \"" + MAGIC + "\"");
        }
        int end = text.lastIndexOf("\nend ");
        if (end < 0 || !text.endsWith("\n")) throw corrupt(file, lines.size(), "it has no end line (it was cut short)");
        if (!text.substring(end + 5, text.length() - 1).equals(crc(text.substring(0, end + 1)))) {
            throw corrupt(file, lines.size(), "its checksum does not match its lines (it was changed after it was written)");
        }
        String kept = null;
        String source = null;
        Fields host = null;
        Map<PciAddress, GpuLines> gpus = new LinkedHashMap<>();
        for (int n = 1; n < lines.size() - 1; n++) {
            String[] w = lines.get(n).split(" ");
            try {
                switch (w[0]) {
                    case "inventory" -> kept = unword(w[1]);
                    case "source" -> source = unword(w.length > 1 ? w[1] : "");
                    case "host" -> host = Fields.of(w, 1);
                    case "gpu" -> gpus.put(PciAddress.parse(w[1]), new GpuLines(Fields.of(w, 2)));
                    case "resource" -> gpu(gpus, w[1]).resources.add(resource(Fields.of(w, 2)));
                    case "config" -> gpu(gpus, w[1]).config = config(w);
                    default -> throw new IllegalArgumentException("unknown record \"" + w[0] + "\"");
                }
            } catch (RuntimeException e) { // a malformed number, address or word: whichever it was, say where
                throw corrupt(file, n + 1, e.getMessage());
            }
        }
        if (kept == null || source == null || host == null) {
            throw corrupt(file, lines.size(), "it lacks its inventory, source or host line");
        }
        try {
            List<InventoryGpu> out = new ArrayList<>();
            for (Map.Entry<PciAddress, GpuLines> e : gpus.entrySet()) out.add(e.getValue().gpu(e.getKey()));
            Optional<Path> from = InventoryLoader.BUILT_IN.contains(argument) ? Optional.empty() : Optional.of(Path.of(argument));
            HostInventory inventory = new HostInventory(unword(host.text("name")), unword(host.text("description")),
                    NvrmRelease.parse(unword(host.text("driver"))), out, from);
            return new KeptInventory(kept, source, inventory);
        } catch (RuntimeException e) { // a value the records refuse, a GPU without its config line
            throw corrupt(file, lines.size(), e.getMessage());
        }
    }

    /** One GPU's lines, gathered before its device is built. */
    private static final class GpuLines {
        final Fields fields;
        final List<PciResource> resources = new ArrayList<>();
        byte[] config;

        GpuLines(Fields fields) {
            this.fields = fields;
        }

        InventoryGpu gpu(PciAddress address) {
            if (config == null) throw new IllegalArgumentException("GPU " + address + " has no config line");
            Fields f = fields;
            String group = f.text("group");
            String driver = f.text("driver");
            PciDevice device = PciDevice.builder(address).id(SimKernelState.id(f.text("id")).orElseThrow())
                    .revision(f.integer("revision")).classCode(f.integer("class"))
                    .driver(driver.equals("-") ? null : unword(driver))
                    .iommuGroup(group.equals("-") ? -1 : Integer.parseInt(group)).numaNode(f.integer("numa"))
                    .resources(resources).config(config).build();
            return new InventoryGpu(device, unword(f.text("model")), unword(f.text("catalogue")), f.mib("framebuffer"),
                    VirtualizationMode.valueOf(f.text("mode")), sriov(f.text("sriov")));
        }
    }

    private static GpuLines gpu(Map<PciAddress, GpuLines> gpus, String address) {
        GpuLines g = gpus.get(PciAddress.parse(address));
        if (g == null) throw new IllegalArgumentException("a line of GPU " + address + " before its gpu line");
        return g;
    }

    /** {@code config ADDRESS size=4096 HEX}: the space's bytes up to its last non-zero one, zeros after them. */
    private static byte[] config(String[] words) {
        int size = Fields.of(new String[] {words.length > 2 ? words[2] : ""}, 0).integer("size");
        byte[] used = HEX.parseHex(words.length > 3 ? words[3] : "");
        if (used.length > size) throw new IllegalArgumentException("config of " + words[1] + " holds more than size=" + size);
        return Arrays.copyOf(used, size);
    }

    private static PciResource resource(Fields f) {
        return new PciResource(f.integer("index"), f.longInteger("start"), f.longInteger("end"), f.longInteger("flags"));
    }

    private static Optional<SriovCapability> sriov(String text) {
        if (text.equals("-")) return Optional.empty();
        String[] p = text.split(":");
        if (p.length != 4) throw new IllegalArgumentException("sriov=" + text + " is not total:offset:stride:device");
        return Optional.of(new SriovCapability(Integer.parseInt(p[0]), Integer.parseInt(p[1]), Integer.parseInt(p[2]),
                Integer.parseInt(p[3])));
    }

    private static String crc(CharSequence text) {
        CRC32 crc = new CRC32();
        crc.update(text.toString().getBytes(StandardCharsets.UTF_8));
        return HEX.toHexDigits((int) crc.getValue());
    }

    private static HostStateException corrupt(Path file, int line, String problem) {
        return new HostStateException("read the simulated host's kept inventory", file + ":" + line,
                "it is not a kept inventory this version of mdevgpu wrote: " + problem,
                "delete " + file + " (the next open resolves the inventory again and keeps it anew)", null);
    }

    @Override
    public String toString() {
        return "KeptInventory[" + argument + ": " + inventory.name() + ", " + inventory.gpus().size() + " GPU(s)]";
    }
}
