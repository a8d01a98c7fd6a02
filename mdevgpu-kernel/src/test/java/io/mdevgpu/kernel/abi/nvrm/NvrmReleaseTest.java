package io.mdevgpu.kernel.abi.nvrm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

import io.mdevgpu.UnsupportedDriverException;
import io.mdevgpu.ValidationException;

class NvrmReleaseTest {

    @Test
    void releasesAreEqualByEveryPartAndTheirText() {
        NvrmRelease r = NvrmRelease.parse("580.159.04");
        assertEquals(r, NvrmRelease.parse("580.159.04"));
        assertEquals(r.hashCode(), NvrmRelease.parse("580.159.04").hashCode());
        assertNotEquals(r, new NvrmRelease(580, 159, 4, "580.159.4"), "the handshake repeats the text as spelt");
        assertNotEquals(r, NvrmRelease.parse("580.159.05"));
        assertNotEquals(r, NvrmRelease.parse("580.160.04"));
        assertNotEquals(r, NvrmRelease.parse("590.159.04"));
        assertNotEquals(NvrmRelease.parse("525.53"), new NvrmRelease(525, 53, 0, "525.53"));
        assertNotEquals(r, "580.159.04");
    }

    @Test
    void parsesThreeAndTwoPartVersions() {
        NvrmRelease r = NvrmRelease.parse("580.159.04");
        assertEquals(580, r.major());
        assertEquals(159, r.minor());
        assertEquals(4, r.patch());
        assertEquals("580.159.04", r.version());
        assertEquals("580.159.04", r.toString());
        NvrmRelease two = NvrmRelease.parse(" 525.53\n");
        assertEquals(-1, two.patch());
        assertEquals("525.53", two.version());
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"58.1", "580", "580.", "abc", "580.159.04.1", "580-159", "v580.159.04", "5800.1.1"})
    void refusesWhatIsNotAVersion(String text) {
        ValidationException e = assertThrows(ValidationException.class, () -> NvrmRelease.parse(text));
        assertTrue(e.getMessage().contains("MAJOR.MINOR[.PATCH]"), e.getMessage());
    }

    @Test
    void readsTheVersionFileOfTheOpenAndTheProprietaryModules() {
        String open = """
                NVRM version: NVIDIA UNIX Open Kernel Module for x86_64  580.159.04  Release Build  (dvs-builder@U22-I3-AF03-09-1)  Wed Jul 16 18:33:50 UTC 2025
                GCC version:  gcc version 12.2.0 (Debian 12.2.0-14+deb12u1)
                """;
        assertEquals(NvrmRelease.parse("580.159.04"), NvrmRelease.fromProcVersion(open));
        String closed = "NVRM version: NVIDIA UNIX x86_64 Kernel Module  550.54.14  Thu Feb 22 01:44:30 UTC 2024\n";
        assertEquals("550.54.14", NvrmRelease.fromProcVersion(closed).version());
        String arm = "NVRM version: NVIDIA UNIX Open Kernel Module for aarch64  535.43.02  Release Build  (dvs-builder@U16-T02-35-3)  Tue May 30 2023\n";
        assertEquals(535, NvrmRelease.fromProcVersion(arm).major());
        assertEquals("525.53", NvrmRelease.fromProcVersion("NVRM version: NVIDIA UNIX x86_64 Kernel Module  525.53  Sat\n").version());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "GCC version: gcc version 12.2.0", "NVRM version: NVIDIA UNIX x86_64 Kernel Module\n"})
    void refusesAVersionFileWithoutAVersion(String text) {
        ValidationException e = assertThrows(ValidationException.class, () -> NvrmRelease.fromProcVersion(text));
        assertTrue(e.getMessage().contains("NVRM version:"), e.getMessage());
    }

    @ParameterizedTest
    @CsvSource({"510.47.03,R510", "515.43.04,R515", "525.53,R525", "530.41.03,R525", "535.288.01,R535", "545.29.06,R535",
            "550.40.07,R550", "550.163.01,R550", "555.58.02,R555", "560.35.03,R555", "565.77,R555", "570.211.01,R570",
            "575.64.05,R575", "580.159.04,R580", "590.48.01,R590", "595.45.04,R595"})
    void choosesTheFamilyByMajor(String version, NvrmAbi family) {
        assertEquals(family, NvrmRelease.parse(version).abi());
    }

    @ParameterizedTest
    @ValueSource(strings = {"470.256.02", "520.61.05", "540.1", "585.1.2", "600.10.01", "505.1"})
    void refusesReleasesNoFamilyCovers(String version) {
        UnsupportedDriverException e = assertThrows(UnsupportedDriverException.class, () -> NvrmRelease.parse(version).abi());
        assertEquals(version, e.version());
        assertEquals(List.of("510", "515", "525-530", "535-545", "550", "555-565", "570", "575", "580", "590", "595"),
                e.knownReleases());
        assertTrue(e.getMessage().contains("driver release " + version + " is not known"), e.getMessage());
        assertTrue(e.getMessage().contains("510, 515, 525-530, 535-545, 550, 555-565, 570, 575, 580, 590, 595"), e.getMessage());
    }

    @Test
    void theRegisterCommandWasRenamedIn550_40() {
        assertEquals("VGPU_CONFIG_MDEV_REGISTER", NvrmRelease.parse("545.29.06").vgpuRegisterCommand());
        assertEquals("VGPU_CONFIG_MDEV_REGISTER", NvrmRelease.parse("550.39.01").vgpuRegisterCommand());
        assertEquals("VGPU_CONFIG_UPDATE_PGPU_INFO", NvrmRelease.parse("550.40.07").vgpuRegisterCommand());
        assertEquals("VGPU_CONFIG_UPDATE_PGPU_INFO", NvrmRelease.parse("580.65.06").vgpuRegisterCommand());
        assertFalse(NvrmRelease.parse("510.47.03").hasUpdatePgpuInfo());
    }

    @Test
    void ordersByNumbersNotText() {
        assertTrue(NvrmRelease.parse("580.9.1").compareTo(NvrmRelease.parse("580.10.1")) < 0);
        assertTrue(NvrmRelease.parse("525.53").compareTo(NvrmRelease.parse("525.53.01")) < 0);
        assertEquals(0, NvrmRelease.parse("580.65.06").compareTo(NvrmRelease.parse("580.65.6")));
    }

    @Test
    void theQueryHandshakeStartsAt535() {
        assertFalse(NvrmAbi.R525.versionQuery());
        assertTrue(NvrmAbi.R535.versionQuery());
        assertTrue(NvrmAbi.R595.versionQuery());
    }
}
