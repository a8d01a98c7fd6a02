package io.mdevgpu.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mdevgpu.Display;
import io.mdevgpu.GpuFilter;
import io.mdevgpu.MdevType;
import io.mdevgpu.MdevTypeBuilder;
import io.mdevgpu.PciAddress;
import io.mdevgpu.PciId;
import io.mdevgpu.Size;
import io.mdevgpu.ValidationException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** ConfigWriter's TOML reads back to the same configuration, in the schema's own spelling. */
class ConfigWriterTest {

    static MdevType full() {
        return MdevTypeBuilder.number(531).name("Open \"vAmpere\"/4 \\ é").gpuClass("Quadro").maxInstances(4)
                .framebuffer(Size.mib(9536)).reserved(Size.mib(704)).mappableVideo(Size.mib(4)).bar1(Size.gib(1))
                .guestPciId(PciId.fromNvidiaPacked(0x20B01470L)).hostPciId(PciId.fromNvidiaPacked(0xFFFF0001L))
                .ecc(true).multiVgpu(true).encoderCapacity(35)
                .display(new Display(4, 1920, 1080, 60, true)).build();
    }

    @Test
    void everyFieldRoundTrips() {
        GpuFilter filter = GpuFilter.ANY.domain(0xABCD).bus(0x65).slot(0x1F).function(7).vendor(0x10DE).device(0x20B0)
                .subsystemVendor(0x10DE).subsystemDevice(0x145F).rmGpuId(0xFFFF_FFFFL);
        MdevType minimal = MdevTypeBuilder.number(1).maxInstances(1).framebuffer(Size.mib(1)).reserved(Size.ZERO).build();
        MdevConfig c = MdevConfig.of(true, List.of(
                new GpuEntry(filter, List.of(full(), minimal)),
                GpuEntry.of(GpuFilter.at(PciAddress.parse("0000:66:00.0")), minimal)));
        String toml = ConfigWriter.toToml(c);
        MdevConfig back = ConfigLoader.parse(toml);
        assertEquals(c, back);
        assertEquals(toml, ConfigWriter.toToml(back), "writing is stable");
        assertEquals(0xFFFF_FFFF, back.gpus().getFirst().filter().rmGpuId().getAsInt());
    }

    @Test
    void writesTheSchemasSpelling() {
        String toml = ConfigWriter.toToml(MdevConfig.of(GpuEntry.of(GpuFilter.ANY.bus(0x65), full())));
        assertTrue(toml.startsWith("# mdevgpu configuration\nschema = 1\nkeep = false\n\n[[gpu]]\n"), toml);
        for (String line : List.of(
                "filter = { bus = 0x65 }",
                "[[gpu.type]]",
                "number = 531",
                "name = \"Open \\\"vAmpere\\\"/4 \\\\ é\"",
                "class = \"Quadro\"",
                "max_instances = 4",
                "framebuffer = \"9536MiB\"",
                "reserved = \"704MiB\"",
                "mappable_video = \"4MiB\"",
                "bar1 = \"1GiB\"",
                "guest_pci_id = 0x20B01470",
                "host_pci_id = 0xFFFF0001",
                "ecc = true",
                "multi_vgpu = true",
                "encoder_capacity = 35",
                "display = { heads = 4, max_resolution = \"1920x1080\", frame_rate_limit = 60, frame_rate_limiter = true }")) {
            assertTrue(toml.contains("\n" + line + "\n"), "missing line " + line + " in\n" + toml);
        }
    }

    @Test
    void everyFilterKeyIsWrittenInHex() {
        String toml = ConfigWriter.toToml(MdevConfig.of(GpuEntry.of(GpuFilter.ANY.domain(1).bus(2).slot(3).function(4)
                .vendor(5).device(6).subsystemVendor(7).subsystemDevice(8).rmGpuId(9), full())));
        assertTrue(toml.contains("filter = { domain = 0x0001, bus = 0x02, slot = 0x03, function = 0x4, vendor = 0x0005, "
                + "device = 0x0006, subsystem_vendor = 0x0007, subsystem_device = 0x0008, rm_gpu_id = 0x00000009 }"), toml);
    }

    @Test
    void aNonNvidiaIdentityCannotBeWritten() {
        MdevType intel = full().toBuilder().guestPciId(PciId.of(0x8086, 0x56C0, 0x8086, 0x4905)).build();
        ValidationException e = assertThrows(ValidationException.class,
                () -> ConfigWriter.toToml(MdevConfig.of(GpuEntry.of(GpuFilter.ANY, intel))));
        assertEquals("guest_pci_id", e.property());
        assertTrue(e.getMessage().contains("0xDDDDSSSS"), e.getMessage());
    }

    @Test
    void entriesMadeInCodeAreValidated() {
        MdevType t = full();
        assertThrows(ValidationException.class, () -> GpuEntry.of(GpuFilter.ANY));
        assertThrows(ValidationException.class, () -> new GpuEntry(null, List.of(t)));
        ValidationException twice = assertThrows(ValidationException.class, () -> GpuEntry.of(GpuFilter.ANY, t, t));
        assertTrue(twice.getMessage().contains("nvidia-531"), twice.getMessage());
        MdevType[] many = new MdevType[129];
        for (int i = 0; i < many.length; i++) {
            many[i] = MdevTypeBuilder.number(i + 1).maxInstances(1).framebuffer(Size.mib(1)).reserved(Size.ZERO).build();
        }
        assertThrows(ValidationException.class, () -> GpuEntry.of(GpuFilter.ANY, many));
        assertEquals(128, GpuEntry.of(GpuFilter.ANY, java.util.Arrays.copyOf(many, 128)).types().size());
        assertThrows(ValidationException.class, () -> MdevConfig.of(false, List.of()));
    }
}
