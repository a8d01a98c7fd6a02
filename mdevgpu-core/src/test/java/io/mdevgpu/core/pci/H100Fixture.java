package io.mdevgpu.core.pci;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import io.mdevgpu.kernel.pci.PciResource;

/**
 * The real H100 SXM5 80GB read from a live host: {@code shared/fixtures/h100-sxm5-80g/} beside the repository
 * (found through the {@code mdevgpu.repo} property that surefire sets), else {@code /work/shared}.
 */
public final class H100Fixture {
    private static final String FIXTURE = "fixtures/h100-sxm5-80g";

    private H100Fixture() {
    }

    public static Path dir() {
        List<Path> tried = new ArrayList<>();
        String repo = System.getProperty("mdevgpu.repo");
        if (repo != null && !repo.isBlank()) {
            tried.add(Path.of(repo).toAbsolutePath().resolveSibling("shared").resolve(FIXTURE));
        }
        tried.add(Path.of("/work/shared").resolve(FIXTURE));
        for (Path dir : tried) {
            if (Files.isRegularFile(dir.resolve("config"))) {
                return dir;
            }
        }
        throw new AssertionError("the H100 fixture is missing: looked for config in " + tried
                + "; run the tests through Maven (it sets -Dmdevgpu.repo) with shared/ beside the repository");
    }

    /** The 4096-byte config space. */
    public static byte[] config() {
        try {
            return Files.readAllBytes(dir().resolve("config"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The text of one {@code == name} section of sysfs.txt, without the heading. */
    public static String sysfs(String name) {
        try {
            String text = Files.readString(dir().resolve("sysfs.txt"));
            int start = text.indexOf("== " + name + "\n");
            if (start < 0) {
                throw new AssertionError("sysfs.txt has no section " + name);
            }
            start += name.length() + 4;
            int end = text.indexOf("\n== ", start);
            return text.substring(start, end < 0 ? text.length() : end + 1).strip();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
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
