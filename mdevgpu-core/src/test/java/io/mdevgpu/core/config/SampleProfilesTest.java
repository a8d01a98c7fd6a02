package io.mdevgpu.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.mdevgpu.Display;
import io.mdevgpu.GpuFilter;
import io.mdevgpu.MdevType;
import io.mdevgpu.MdevTypeBuilder;
import io.mdevgpu.PciId;
import io.mdevgpu.Size;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The four predecessor profiles in samples/config load to exactly the predecessor's values. The expected
 * values are written out here from the predecessor's own profiles table (Mdev-GPU, commit 48649a0) (all: ECC on, mapVideoSize 4,
 * FRL 120 with the limiter on; bar1Len in MiB), not from the TOML files.
 */
class SampleProfilesTest {
    static final Path SAMPLES = Path.of(System.getProperty("mdevgpu.repo", "..")).resolve("samples/config");

    /** One row of the seed table: the fields that differ between types; the rest is common to all profiles. */
    static MdevType seedRow(int num, String name, String gpuClass, Long vDevId, int maxInstances, int fbLen, int fbRes,
                            int headsX, int resX, int resY, int bar1LenMiB, boolean multiMdev) {
        MdevTypeBuilder b = MdevTypeBuilder.number(num).name(name).gpuClass(gpuClass).maxInstances(maxInstances)
                .framebuffer(Size.mib(fbLen)).reserved(Size.mib(fbRes)).mappableVideo(Size.mib(4))
                .bar1(Size.mib(bar1LenMiB)).ecc(true).multiVgpu(multiMdev).encoderCapacity(100)
                .display(new Display(headsX, resX, resY, 120, true));
        if (vDevId != null) {
            b.guestPciId(new PciId(0x10DE, (int) (vDevId >>> 16), 0x10DE, (int) (vDevId & 0xFFFF)));
        }
        return b.build();
    }

    static List<MdevType> tenths(Long vDevId) {
        return List.of(
                seedRow(1, "GVM [Geforce /10]", "Geforce", vDevId, 10, 896, 128, 4, 3840, 2160, 0x100, false),
                seedRow(2, "GVM [NVS /10]", "NVS", vDevId, 10, 896, 128, 4, 3840, 2160, 0x100, false),
                seedRow(3, "GVM [Quadro /10]", "Quadro", vDevId, 10, 896, 128, 4, 3840, 2160, 0x100, false));
    }

    static MdevConfig load(String file) {
        MdevConfig c = ConfigLoader.load(SAMPLES.resolve(file));
        assertEquals(1, c.schema());
        assertFalse(c.keep(), "the predecessor replaced earlier types unless run with -k");
        assertEquals(1, c.gpus().size());
        assertEquals(GpuFilter.ANY, c.gpus().getFirst().filter(), "every profile applies to every GPU");
        return c;
    }

    @Test
    void openVGeneric() {
        List<MdevType> types = load("open-vgeneric.toml").gpus().getFirst().types();
        assertEquals(tenths(null), types);
        types.forEach(t -> assertEquals(java.util.Optional.empty(), t.guestPciId(), "vGeneric derives the guest id"));
    }

    @Test
    void openVPascal() {
        assertEquals(tenths(0x1B301B30L), load("open-vpascal.toml").gpus().getFirst().types());
    }

    @Test
    void openVTuring() {
        assertEquals(tenths(0x1E3012BAL), load("open-vturing.toml").gpus().getFirst().types());
    }

    @Test
    void openVAmpere() {
        assertEquals(List.of(
                        seedRow(529, "Open vAmpere", "Compute", 0x20B01479L, 1, 38336, 2624, 4, 1920, 1080, 0x800, true),
                        seedRow(530, "Open vAmpere/2", "Compute", 0x20B01471L, 2, 19136, 1344, 4, 1920, 1080, 0x400, false),
                        seedRow(531, "Open vAmpere/4", "Compute", 0x20B01470L, 4, 9536, 704, 4, 1920, 1080, 0x400, false),
                        seedRow(532, "Open vAmpere/8", "Compute", 0x20B0146FL, 8, 4736, 384, 4, 1920, 1080, 0x400, false)),
                load("open-vampere.toml").gpus().getFirst().types());
    }

    @Test
    void ampereFollowsTheOneOverNRule() {
        // reserved = T/n/16 + 64 MiB and the guest gets the rest of T/n, for T = 40 GiB (seed-mdev-gpu.md)
        List<MdevType> types = load("open-vampere.toml").gpus().getFirst().types();
        int[] parts = {1, 2, 4, 8};
        for (int i = 0; i < parts.length; i++) {
            long share = 40960 / parts[i];
            assertEquals(share / 16 + 64, types.get(i).reserved().toMiB());
            assertEquals(share, types.get(i).framebufferPerInstance().toMiB());
            assertEquals(parts[i], types.get(i).maxInstances());
        }
    }

    @Test
    void everySampleRoundTripsThroughTheWriter() {
        for (String file : List.of("open-vgeneric.toml", "open-vpascal.toml", "open-vturing.toml", "open-vampere.toml")) {
            MdevConfig c = load(file);
            assertEquals(c, ConfigLoader.parse(ConfigWriter.toToml(c)), file);
        }
    }
}
