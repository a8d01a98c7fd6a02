package io.mdevgpu.kernel.sysfs;

import io.mdevgpu.sim.SysfsTreeWriter;
import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Stream;

import io.mdevgpu.kernel.mdev.MdevInstanceInfo;
import io.mdevgpu.kernel.mdev.MdevTypeInfo;
import io.mdevgpu.kernel.testing.FakeHost;
import io.mdevgpu.kernel.testing.H100Fixture;
import io.mdevgpu.kernel.testing.Repository;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SysfsTreeWriterTest {
    @TempDir
    Path root;

    private String link(String relative) throws IOException {
        return Files.readSymbolicLink(root.resolve(relative)).toString();
    }

    @Test
    void linksAreTheKernelsRelativeLinks() throws IOException {
        FakeHost.create(root);
        String dev = "sys/devices/pci0000:00/0000:00:06.0";
        String uuid = FakeHost.INSTANCE.toString();
        assertEquals("../../../devices/pci0000:00/0000:00:06.0", link("sys/bus/pci/devices/0000:00:06.0"));
        assertEquals("../../devices/pci0000:00/0000:00:06.0", link("sys/class/mdev_bus/0000:00:06.0"));
        assertEquals("../../../bus/pci/drivers/nvidia", link(dev + "/driver"));
        assertEquals("../../../../devices/pci0000:00/0000:00:06.0", link("sys/bus/pci/drivers/nvidia/0000:00:06.0"));
        assertEquals("../../../kernel/iommu_groups/12", link(dev + "/iommu_group"));
        assertEquals("../../../../devices/pci0000:00/0000:00:06.0", link("sys/kernel/iommu_groups/12/devices/0000:00:06.0"));
        assertEquals("../../../bus/pci", link(dev + "/subsystem"));
        assertEquals("../../../devices/pci0000:00/0000:00:06.0/" + uuid, link("sys/bus/mdev/devices/" + uuid));
        assertEquals("../mdev_supported_types/nvidia-529", link(dev + "/" + uuid + "/mdev_type"));
        assertEquals("../../../../kernel/iommu_groups/40", link(dev + "/" + uuid + "/iommu_group"));
        assertEquals("../../../" + uuid, link(dev + "/mdev_supported_types/nvidia-529/devices/" + uuid));
        // the NIC sits on bus 3: its own root bus directory
        assertEquals("../../../devices/pci0000:03/0000:03:00.0", link("sys/bus/pci/devices/0000:03:00.0"));

        Path type = root.resolve(dev + "/mdev_supported_types/nvidia-529");
        assertEquals("GRID H100-4Q\n", Files.readString(type.resolve("name")));
        assertEquals(FakeHost.Q4_DESCRIPTION + "\n", Files.readString(type.resolve("description")));
        assertEquals("vfio-pci\n", Files.readString(type.resolve("device_api")));
        assertEquals("11\n", Files.readString(type.resolve("available_instances")));
        assertEquals(0, Files.size(type.resolve("create")));
        assertEquals(0, Files.size(root.resolve(dev + "/" + uuid + "/remove")));
        Path bare = root.resolve(dev + "/mdev_supported_types/nvidia-530");
        assertFalse(Files.exists(bare.resolve("name")));
        assertFalse(Files.exists(bare.resolve("description")));
        assertTrue(Files.isDirectory(bare.resolve("devices")));
    }

    @Test
    void attributesAreByteForByteWhatTheKernelWrote() throws IOException {
        FakeHost.create(root);
        Path dev = root.resolve("sys/devices/pci0000:00/0000:00:06.0");
        Map<String, String> fixture = H100Fixture.attributes();
        for (String name : List.of("vendor", "device", "class", "subsystem_vendor", "subsystem_device", "revision",
                "resource", "numa_node")) {
            assertEquals(fixture.get(name), Files.readString(dev.resolve(name)), name);
        }
        assertArrayEquals(H100Fixture.config(), Files.readAllBytes(dev.resolve("config")));
    }

    /** The writer and the harness's own script (the tree Debian's mdevctl was seen to read) agree exactly. */
    @Test
    void writesTheSameTreeAsTheHarnessScript() throws Exception {
        Path script = Repository.path("harness/fake/mk-fake-mdev-root.sh");
        Path scripted = root.resolve("scripted");
        Process p = new ProcessBuilder("bash", script.toString(), scripted.toString(), "with-active")
                .redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), output);

        SysfsTreeWriter w = new SysfsTreeWriter(SysfsLayout.under(root.resolve("written")));
        w.mdevVirtualParent("mbochs", "mbochs");
        w.mdevType(new MdevTypeInfo("mbochs", "mbochs-small", Optional.of("mbochs-small"),
                Optional.of("virtual display, 4 MB video memory"), "vfio-pci", 63, List.of()));
        w.mdevInstance(new MdevInstanceInfo(UUID.fromString("83b8f4f2-509f-382f-3c1e-e6bfe0fa0002"), "mbochs",
                "mbochs-small", OptionalInt.empty()));

        assertEquals(describe(scripted.resolve("sys")), describe(root.resolve("written/sys")));
    }

    /** Every entry under {@code dir}: directories, files with their text, links with their targets. */
    private static Map<String, String> describe(Path dir) throws IOException {
        Map<String, String> entries = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.toList()) {
                String key = dir.relativize(p).toString();
                if (Files.isSymbolicLink(p)) entries.put(key, "-> " + Files.readSymbolicLink(p));
                else if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) entries.put(key, "dir");
                else entries.put(key, "file " + Files.readString(p));
            }
        }
        return entries;
    }

    @Test
    void removingAnInstanceTakesItsDirectoryAndEveryLinkAway() throws IOException {
        FakeHost host = FakeHost.create(root);
        String dev = "sys/devices/pci0000:00/0000:00:06.0";
        String uuid = FakeHost.INSTANCE.toString();
        host.writer.removeMdevInstance(FakeHost.INSTANCE);
        assertFalse(Files.exists(root.resolve("sys/bus/mdev/devices/" + uuid), LinkOption.NOFOLLOW_LINKS));
        assertFalse(Files.exists(root.resolve(dev + "/" + uuid), LinkOption.NOFOLLOW_LINKS));
        assertFalse(Files.exists(root.resolve(dev + "/mdev_supported_types/nvidia-529/devices/" + uuid), LinkOption.NOFOLLOW_LINKS));
        assertFalse(Files.exists(root.resolve("sys/kernel/iommu_groups/40")));
        assertTrue(Files.isDirectory(root.resolve(dev + "/mdev_supported_types/nvidia-529/devices")));
        assertTrue(Files.isDirectory(root.resolve("sys/kernel/iommu_groups/12")), "the GPU's own group stays");
        assertThrows(IllegalStateException.class, () -> host.writer.removeMdevInstance(FakeHost.INSTANCE));
    }

    @Test
    void writingOutOfOrderIsRefused() {
        SysfsTreeWriter w = new SysfsTreeWriter(SysfsLayout.under(root));
        MdevTypeInfo type = new MdevTypeInfo("0000:65:00.0", "nvidia-1", Optional.empty(), Optional.empty(), "vfio-pci", 1, List.of());
        assertThrows(IllegalStateException.class, () -> w.mdevType(type));
        assertThrows(IllegalStateException.class, () -> w.mdevParent(H100Fixture.ADDRESS));
        w.mdevVirtualParent("mtty", "mtty");
        assertThrows(IllegalStateException.class, () -> w.mdevInstance(
                new MdevInstanceInfo(UUID.randomUUID(), "mtty", "mtty-1", OptionalInt.empty())));
    }

    @Test
    void layoutRefusesNamesThatAreNotOneSegment() {
        SysfsLayout layout = SysfsLayout.under(root);
        for (String bad : new String[] {"", ".", "..", "a/b", "../x"}) {
            assertThrows(io.mdevgpu.ValidationException.class, () -> layout.mdevType("mbochs", bad), bad);
            assertThrows(io.mdevgpu.ValidationException.class, () -> layout.mdevParent(bad), bad);
        }
        assertThrows(io.mdevgpu.ValidationException.class, () -> layout.mdevParent(null));
        assertEquals(root.resolve("dev/vfio/12"), layout.vfioGroup(12));
        assertEquals(Path.of("/sys/bus/mdev/devices"), SysfsLayout.host().mdevDevices());
    }

    @Test
    void aTypeGoesOnlyWithoutInstancesAndFilesOutsideSysfsAreWrittenToo() throws IOException {
        FakeHost host = FakeHost.create(root);
        Path q4 = host.layout.mdevType(FakeHost.H100, FakeHost.Q4);
        IllegalStateException busy = assertThrows(IllegalStateException.class,
                () -> host.writer.removeMdevType(FakeHost.H100, FakeHost.Q4));
        assertTrue(busy.getMessage().contains("still has instances"), busy.getMessage());
        host.writer.removeMdevInstance(FakeHost.INSTANCE);
        host.writer.removeMdevType(FakeHost.H100, FakeHost.Q4);
        assertFalse(Files.exists(q4, LinkOption.NOFOLLOW_LINKS));
        assertEquals(List.of(FakeHost.Q80), SysfsReader.names(host.layout.mdevTypes(FakeHost.H100)));
        assertThrows(IllegalStateException.class, () -> host.writer.removeMdevType(FakeHost.H100, FakeHost.Q4));

        host.writer.file(root.resolve("proc/driver/nvidia/version"), "NVRM version: 550.54.14\n");
        assertEquals("NVRM version: 550.54.14\n", Files.readString(root.resolve("proc/driver/nvidia/version")));
        host.writer.file(host.layout.vfioGroup(40), "");
        host.writer.removeFile(host.layout.vfioGroup(40));
        host.writer.removeFile(host.layout.vfioGroup(40)); // gone already: no error
        assertFalse(Files.exists(host.layout.vfioGroup(40)));
        host.writer.directory(root.resolve("etc/mdevctl.d/scripts.d/callouts"));
        assertTrue(Files.isDirectory(root.resolve("etc/mdevctl.d/scripts.d/callouts")));
    }

    @Test
    void attributesAreReplacedInOneStepLeavingNoTemporaryFile() throws IOException {
        FakeHost host = FakeHost.create(root);
        Path type = host.layout.mdevType(FakeHost.H100, FakeHost.Q4);
        long inode = (long) Files.getAttribute(type.resolve("available_instances"), "unix:ino");
        host.writer.availableInstances(FakeHost.H100, FakeHost.Q4, 3);
        assertEquals("3\n", Files.readString(type.resolve("available_instances")));
        assertNotEquals(inode, (long) Files.getAttribute(type.resolve("available_instances"), "unix:ino"),
                "a new file renamed over the old one, not the old one truncated and rewritten");
        assertEquals(List.of("available_instances", "create", "description", "device_api", "devices", "name"),
                SysfsReader.names(type));
    }

    @Test
    void deleteTreeTakesATreeAwayWithoutFollowingLinksOutOfIt(@TempDir Path outside) throws IOException {
        Files.writeString(outside.resolve("keep"), "x");
        FakeHost.create(root);
        Files.createSymbolicLink(root.resolve("out"), outside);
        SysfsTreeWriter.deleteTree(root);
        assertFalse(Files.exists(root, LinkOption.NOFOLLOW_LINKS));
        assertEquals("x", Files.readString(outside.resolve("keep")));
        SysfsTreeWriter.deleteTree(root); // nothing there: no error
    }
}
