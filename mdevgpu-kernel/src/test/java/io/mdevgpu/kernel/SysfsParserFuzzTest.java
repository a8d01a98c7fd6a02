package io.mdevgpu.kernel;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.mdevgpu.MdevException;
import io.mdevgpu.kernel.abi.nvrm.NvrmRelease;
import io.mdevgpu.kernel.mdev.NvidiaTypeDescription;
import io.mdevgpu.kernel.pci.PciResource;
import io.mdevgpu.kernel.testing.FuzzCorpus;
import io.mdevgpu.kernel.testing.H100Fixture;
import org.junit.jupiter.api.Test;

/**
 * The text parsers of what the kernel and the driver write (sysfs {@code resource}, an mdev type's
 * {@code description}, {@code /proc/driver/nvidia/version}) on arbitrary bytes, decoded as the readers decode
 * them. Refusals must be the library's own exceptions.
 */
class SysfsParserFuzzTest {
    static final String PROC_VERSION = "NVRM version: NVIDIA UNIX Open Kernel Module for x86_64  580.159.04  Release Build"
            + "  (dvs-builder@U22-I3-AM02-24-3)  Wed Jan  7 01:23:45 UTC 2026\nGCC version:  gcc version 12.2.0 (Debian 12.2.0-14)\n";

    @FuzzTest(maxDuration = "5m")
    void pciResource(byte[] data) {
        try {
            List<PciResource> resources = PciResource.parse(new String(data, UTF_8), "resource");
            // what parses must print back to text that parses to the same resources
            assertEquals(resources, PciResource.parse(PciResource.toSysfsText(resources)));
            PciResource.memoryBars(resources);
        } catch (MdevException refused) {
            // allowed
        }
    }

    @FuzzTest(maxDuration = "5m")
    void typeDescription(byte[] data) {
        NvidiaTypeDescription.parse(new String(data, UTF_8)).ifPresent(d ->
                assertEquals(d, NvidiaTypeDescription.parse(d.toString()).orElseThrow(), "the printed form reads back"));
    }

    @FuzzTest(maxDuration = "5m")
    void driverVersion(byte[] data) {
        String text = new String(data, UTF_8);
        try {
            NvrmRelease.fromProcVersion(text).toString();
        } catch (MdevException refused) {
            // allowed
        }
        try {
            NvrmRelease.parse(text).abi();
        } catch (MdevException refused) {
            // allowed
        }
    }

    @Test
    void seedCorporaHoldTheFixturesAndTheDriversForms() {
        Map<String, byte[]> resource = new LinkedHashMap<>();
        resource.put("h100 resource", H100Fixture.attributes().get("resource").getBytes(UTF_8));
        resource.put("one bar", "0x00000000fd000000 0x00000000fdffffff 0x0000000000040200\n".getBytes(UTF_8));
        Map<String, byte[]> description = new LinkedHashMap<>();
        description.put("a100 4c", "num_heads=1, frl_config=60, framebuffer=4096M, max_resolution=4096x2160, max_instance=10"
                .getBytes(UTF_8));
        description.put("shuffled with unknown key", (" max_instance=10,framebuffer=4096M , num_heads=1, frl_config=60,"
                + " max_resolution=4096x2160, gpu_instance=7\n").getBytes(UTF_8));
        description.put("mbochs", "virtual display, 4 MB video memory".getBytes(UTF_8));
        Map<String, byte[]> version = new LinkedHashMap<>();
        version.put("proc 580", PROC_VERSION.getBytes(UTF_8));
        version.put("bare 525", "525.53".getBytes(UTF_8));
        version.put("bare 595", "595.10.02\n".getBytes(UTF_8));
        int n = FuzzCorpus.check(getClass(), "pciResource", resource) + FuzzCorpus.check(getClass(), "typeDescription", description)
                + FuzzCorpus.check(getClass(), "driverVersion", version);
        assertTrue(n == 8, n + " seeds");
    }
}
