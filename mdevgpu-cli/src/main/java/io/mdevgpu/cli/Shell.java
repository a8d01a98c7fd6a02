package io.mdevgpu.cli;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.Collection;

import io.mdevgpu.HostSpec;
import io.mdevgpu.MdevHost;
import io.mdevgpu.Region;
import io.mdevgpu.VfioDevice;
import io.mdevgpu.core.pci.PciConfigSpace;

/**
 * The helpers of {@code ./mdevgpu jshell} ({@code samples/jshell/startup.jsh} imports them statically), also used by
 * the verbs: open the host {@code MDEVGPU_HOST} names, read and decode a device's config space, list things.
 */
public final class Shell {
    /** The config region's index (VFIO_PCI_CONFIG_REGION_INDEX). */
    static final int CONFIG_REGION = 7;

    private Shell() {
    }

    /** The host {@code $MDEVGPU_HOST} names as {@code --host} takes it; the default simulated host when unset. */
    public static MdevHost openHost() {
        String named = System.getenv("MDEVGPU_HOST");
        return MdevHost.open(named == null || named.isBlank() ? HostSpec.simulated("default") : HostSpec.parse(named));
    }

    /** A configuration of {@code samples/config} by name, {@code config("open-vampere")}. */
    public static Path config(String name) {
        return Path.of(System.getProperty("mdevgpu.samples", "samples")).resolve("config").resolve(name + ".toml");
    }

    /** Prints each item on its own line. */
    public static void show(Collection<?> items) {
        items.forEach(System.out::println);
    }

    /**
     * The config space the guest sees, read through the config region: 4096 bytes when the region is that large, else
     * the first 256 (a region shorter than that, as some sample drivers report, leaves the rest zero).
     */
    public static byte[] configSpace(VfioDevice device) {
        Region config = device.region(CONFIG_REGION);
        int size = config.size() >= 4096 ? 4096 : 256;
        int readable = (int) Math.min(size, config.size());
        byte[] bytes = new byte[size];
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buffer = arena.allocate(Math.max(1, readable));
            config.read(0, buffer.asSlice(0, readable));
            MemorySegment.copy(buffer, ValueLayout.JAVA_BYTE, 0, bytes, 0, readable);
        }
        return bytes;
    }

    /** The guest's config space decoded as {@code lspci -vv} prints it, the BARs sized by their regions. */
    public static String lspci(VfioDevice device) {
        return String.join("\n", Views.configText(PciConfigSpace.parse(configSpace(device), barSizes(device))));
    }

    /** BAR sizes by index as the device's regions 0-5 give them, 0 where a region is absent or empty. */
    static long[] barSizes(VfioDevice device) {
        long[] sizes = new long[6];
        for (Region r : device.regions()) {
            if (r.index() >= 0 && r.index() < sizes.length) {
                sizes[r.index()] = r.size();
            }
        }
        return sizes;
    }
}
