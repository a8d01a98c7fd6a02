package io.mdevgpu.core.pci;

import java.util.List;

import io.mdevgpu.kernel.pci.PciResource;

/**
 * The real H100 SXM5 80GB read from a live host ({@code fixtures/h100-sxm5-80g/}), as the core's tests
 * use it. Reading the fixture is the kernel's test fixture's job ({@link io.mdevgpu.kernel.testing.H100Fixture});
 * this adds the parsed views.
 */
public final class H100Fixture {
    private H100Fixture() {
    }

    /** The 4096-byte config space. */
    public static byte[] config() {
        return io.mdevgpu.kernel.testing.H100Fixture.config();
    }

    /** The text of one sysfs attribute file, stripped, e.g. {@code sysfs("class")} is {@code 0x030200}. */
    public static String sysfs(String name) {
        String text = io.mdevgpu.kernel.testing.H100Fixture.attributes().get(name);
        if (text == null) {
            throw new AssertionError("the H100 fixture's sysfs.txt has no section " + name);
        }
        return text.strip();
    }

    /** A sysfs attribute holding one hexadecimal number, e.g. {@code vendor}. */
    public static int sysfsHex(String name) {
        return Integer.decode(sysfs(name));
    }

    /** The lines of the {@code resource} file, parsed by the kernel module's one parser. */
    public static List<PciResource> resource() {
        return PciResource.parse(sysfs("resource"), "h100 resource");
    }

    /** The config space parsed with its BAR sizes. */
    public static PciConfigSpace space() {
        return PciConfigSpace.parse(config(), resource());
    }
}
