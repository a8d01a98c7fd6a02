package io.mdevgpu.kernel.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import io.mdevgpu.PciAddress;
import io.mdevgpu.PciId;
import io.mdevgpu.kernel.pci.PciDevice;
import io.mdevgpu.kernel.pci.PciResource;

/**
 * The real H100 SXM5 80GB of {@code fixtures/h100-sxm5-80g}: its sysfs attribute files as read on a live
 * host ({@code sysfs.txt}, sections {@code == name}) and its 4096-byte config space.
 */
public final class H100Fixture {
    /** Where the fixture host had it. */
    public static final PciAddress ADDRESS = PciAddress.parse("0000:00:06.0");

    private H100Fixture() {
    }

    /** The fixture's directory; an error that says where it looked when it is not there. */
    public static Path directory() {
        Path directory = Repository.path("fixtures/h100-sxm5-80g");
        if (!Files.isRegularFile(directory.resolve("config"))) {
            throw new AssertionError("the H100 fixture is missing: no config in " + directory
                    + "; the repository's fixtures/ directory is incomplete");
        }
        return directory;
    }

    /** The attribute files' texts, by name, as the kernel wrote them (each with its trailing newline). */
    public static Map<String, String> attributes() {
        try {
            Map<String, String> sections = new LinkedHashMap<>();
            String name = null;
            StringBuilder text = new StringBuilder();
            for (String line : Files.readAllLines(directory().resolve("sysfs.txt"))) {
                if (line.startsWith("== ")) {
                    if (name != null) sections.put(name, text.toString());
                    name = line.substring(3).strip();
                    text.setLength(0);
                } else {
                    text.append(line).append('\n');
                }
            }
            if (name != null) sections.put(name, text.toString());
            return sections;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static byte[] config() {
        try {
            return Files.readAllBytes(directory().resolve("config"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The H100 as a {@link PciDevice} built from the fixture's raw texts (so that a fake tree written from it
     * carries the real values), bound to {@code nvidia} in IOMMU group {@code iommuGroup}.
     */
    public static PciDevice device(int iommuGroup) {
        Map<String, String> a = attributes();
        return PciDevice.builder(ADDRESS)
                .id(PciId.of(hex(a, "vendor"), hex(a, "device"), hex(a, "subsystem_vendor"), hex(a, "subsystem_device")))
                .revision(hex(a, "revision"))
                .classCode(hex(a, "class"))
                .driver("nvidia")
                .iommuGroup(iommuGroup)
                .numaNode(Integer.parseInt(a.get("numa_node").strip()))
                .resources(PciResource.parse(a.get("resource")))
                .config(config())
                .build();
    }

    private static int hex(Map<String, String> attributes, String name) {
        return Integer.decode(attributes.get(name).strip());
    }
}
