package io.mdevgpu.cli;

import static org.junit.jupiter.api.Assertions.*;
import static org.mockito.Mockito.*;

import java.util.Arrays;
import java.util.List;
import java.util.UUID;

import io.mdevgpu.Errno;
import io.mdevgpu.KernelException;
import io.mdevgpu.MdevInstance;
import io.mdevgpu.Region;
import io.mdevgpu.VfioDevice;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** {@code inspect}: a device whose config region reads the real H100's config space. */
class InspectCommandTest {
    private static final UUID A = UUID.fromString("2f5d5d9e-6c56-4e1b-8a43-0b0f9f7e1a01");
    private final MockHost mock = new MockHost();

    @Test
    void showsRegionsIrqsAndTheDecodedGuestConfigSpaceThenClosesTheDevice() {
        VfioDevice device = MockHost.device(A.toString(), MockHost.h100Config());
        mock.addInstance(A, "nvidia-531", device);
        CliRun run = CliRun.on(mock.host, "inspect", A.toString());
        assertEquals(Main.OK, run.exitCode(), run.all());
        String out = run.out();
        assertTrue(out.startsWith("mdev " + A + ": nvidia-531 on 0000:00:06.0, IOMMU group 42\n"), out);
        assertTrue(out.contains("flags 0x03 (pci, reset)"), out);
        String bar1 = out.lines().filter(l -> l.startsWith("1 ")).findFirst().orElseThrow();
        assertTrue(bar1.contains("BAR1") && bar1.contains("256MiB") && bar1.contains("rw mmap"), bar1);
        String config = out.lines().filter(l -> l.startsWith("7 ")).findFirst().orElseThrow();
        assertTrue(config.contains("CONFIG") && config.contains("4KiB") && config.endsWith("rw"), config);
        assertTrue(out.contains("MSI-X  9"), out);
        assertTrue(out.contains("guest config space:\n\tPCI 10de:2330 [10de:16c1] rev a1, 3D controller [030200], 4096 bytes"), out);
        assertTrue(out.contains("Capabilities: [b0] MSI-X: Enable+ Count=9"), out);
        verify(device).close();
    }

    @Test
    void jsonListsRegionsIrqsAndConfigSpace() {
        mock.addInstance(A, "nvidia-531", MockHost.device(A.toString(), MockHost.h100Config()));
        JsonNode root = CliRun.on(mock.host, "inspect", A.toString(), "--json").json();
        assertEquals("nvidia-531", root.get("type").asString());
        JsonNode regions = root.get("regions");
        assertEquals(List.of(0, 1, 3, 7), regions.valueStream().map(r -> r.get("index").asInt()).toList());
        assertEquals(256L << 20, regions.get(1).get("size").asLong());
        assertTrue(regions.get(1).get("mappable").asBoolean());
        assertFalse(regions.get(3).get("mappable").asBoolean());
        assertEquals("MSI-X", root.get("irqs").get(2).get("name").asString());
        assertEquals(9, root.get("irqs").get(2).get("count").asInt());
        JsonNode config = root.get("config_space");
        assertEquals("0x2330", config.get("device").asString());
        assertEquals(4, config.get("capabilities").size());
        // BAR sizes come from the regions of the same index
        assertEquals(16L << 20, config.get("bars").get(0).get("size").asLong());
    }

    @Test
    void aConfigSpaceThatDoesNotDecodeIsShownAsSuch() {
        byte[] nothing = new byte[256];
        Arrays.fill(nothing, (byte) 0xff);
        VfioDevice device = MockHost.device(A.toString(), nothing);
        mock.addInstance(A, "nvidia-531", device);
        CliRun run = CliRun.on(mock.host, "inspect", A.toString());
        assertEquals(Main.OK, run.exitCode(), run.all());
        assertTrue(run.out().contains("(not decoded: invalid PCI config space"), run.out());
        verify(device).close();
    }

    @Test
    void aFailureToOpenExits1AndAnUnknownUuidExits2() {
        MdevInstance a = mock.addInstance(A, "nvidia-531", null);
        when(a.open()).thenThrow(KernelException.of("open", "/dev/vfio/42", Errno.EBUSY, "another process holds the group"));
        CliRun run = CliRun.on(mock.host, "inspect", A.toString());
        assertEquals(Main.FAILED, run.exitCode());
        assertTrue(run.err().contains("/dev/vfio/42: EBUSY"), run.err());
        assertEquals(Main.BAD_INPUT, CliRun.on(mock.host, "inspect", UUID.randomUUID().toString()).exitCode());
    }

    @Test
    void aFailureWhileReadingStillClosesTheDevice() {
        VfioDevice device = MockHost.device(A.toString(), MockHost.h100Config());
        when(device.irqs()).thenThrow(KernelException.of("VFIO_DEVICE_GET_IRQ_INFO", A.toString(), Errno.EINVAL, null));
        mock.addInstance(A, "nvidia-531", device);
        assertEquals(Main.FAILED, CliRun.on(mock.host, "inspect", A.toString()).exitCode());
        verify(device).close();
    }

    @Test
    void checkBarRefusesABarTheDeviceLacksOrOutOfRange() {
        VfioDevice device = MockHost.device(A.toString(), MockHost.h100Config());
        mock.addInstance(A, "nvidia-531", device);
        CliRun absent = CliRun.on(mock.host, "inspect", A.toString(), "--check-bar", "2");
        assertEquals(Main.BAD_INPUT, absent.exitCode(), absent.all());
        assertTrue(absent.err().contains("no BAR2") && absent.err().contains("[BAR0, BAR1, BAR3, CONFIG]"), absent.err());
        assertEquals(Main.BAD_INPUT, CliRun.on(mock.host, "inspect", A.toString(), "--check-bar", "7").exitCode());
        assertEquals(Main.BAD_INPUT, CliRun.on(mock.host, "inspect", A.toString(), "--check-bar", "one").exitCode());
        verify(device, times(2)).close();
    }

    @Test
    void checkBarThatReadsBackSomethingElseFailsAndRestoresTheBar() {
        VfioDevice device = MockHost.device(A.toString(), MockHost.h100Config());
        Region bar1 = device.regions().get(1);
        java.lang.foreign.MemorySegment memory = java.lang.foreign.Arena.ofAuto().allocate(4096);
        memory.set(java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED, 0, 0x1122334455667788L);
        io.mdevgpu.MappedRegion mapping = mock(io.mdevgpu.MappedRegion.class);
        when(mapping.segment()).thenReturn(memory);
        when(bar1.map()).thenReturn(mapping);
        when(bar1.read(0, 8)).thenReturn(0L); // the fd says something else than the mapping
        mock.addInstance(A, "nvidia-531", device);
        CliRun run = CliRun.on(mock.host, "inspect", A.toString(), "--check-bar", "1");
        assertEquals(Main.FAILED, run.exitCode(), run.all());
        assertTrue(run.err().contains("check BAR1") && run.err().contains("MISMATCH"), run.err());
        assertEquals(0x1122334455667788L, memory.get(java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED, 0), "restored");
        verify(mapping).close();
        verify(device).close();
    }
}
