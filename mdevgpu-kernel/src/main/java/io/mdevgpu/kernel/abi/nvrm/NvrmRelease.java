package io.mdevgpu.kernel.abi.nvrm;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.mdevgpu.ValidationException;

/**
 * An NVIDIA driver release, {@code 580.159.04}: as the version handshake's QUERY reply or
 * {@code /proc/driver/nvidia/version} names it. Ordered by major, minor, patch.
 *
 * @param major   580
 * @param minor   159
 * @param patch   4, or -1 where the version has no third part ({@code 525.53})
 * @param version the text as the driver spells it ({@code 580.159.04}), which the strict handshake must repeat
 */
public record NvrmRelease(int major, int minor, int patch, String version) implements Comparable<NvrmRelease> {
    private static final Pattern FORM = Pattern.compile("(\\d{3})\\.(\\d{1,3})(?:\\.(\\d{1,3}))?");
    private static final Pattern IN_PROC = Pattern.compile("NVRM version:.*?(?<![\\d.])(\\d{3}\\.\\d{1,3}(?:\\.\\d{1,3})?)(?![\\d.])");

    public NvrmRelease {
        if (major < 0 || minor < 0 || patch < -1 || version == null) {
            throw new ValidationException("NVIDIA driver version", version, "MAJOR.MINOR[.PATCH] with non-negative numbers");
        }
    }

    /**
     * Parses {@code 580.159.04} or {@code 525.53}.
     *
     * @throws ValidationException naming the text and the expected form
     */
    public static NvrmRelease parse(String text) {
        Matcher m = FORM.matcher(text == null ? "" : text.strip());
        if (!m.matches()) {
            throw new ValidationException("NVIDIA driver version", text,
                    "expected MAJOR.MINOR[.PATCH] as the driver prints it, e.g. 580.159.04 or 525.53");
        }
        return new NvrmRelease(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
                m.group(3) == null ? -1 : Integer.parseInt(m.group(3)), m.group(0));
    }

    /**
     * The release named by the text of {@code /proc/driver/nvidia/version}: its {@code NVRM version:} line, e.g.
     * {@code NVRM version: NVIDIA UNIX Open Kernel Module for x86_64  580.159.04  Release Build  (dvs-builder@...)}.
     *
     * @throws ValidationException when the text has no such line with a version in it
     */
    public static NvrmRelease fromProcVersion(String procText) {
        Matcher m = IN_PROC.matcher(procText == null ? "" : procText);
        if (!m.find()) {
            String first = procText == null ? "" : procText.lines().findFirst().orElse("");
            throw new ValidationException("/proc/driver/nvidia/version", first,
                    "expected a line \"NVRM version: ... MAJOR.MINOR[.PATCH] ...\" as the NVIDIA kernel module writes it");
        }
        return parse(m.group(1));
    }

    /** This release's layout family; an unknown release is refused with the releases the library knows. */
    public NvrmAbi abi() {
        return NvrmAbi.forRelease(this);
    }

    /** Whether 0xA0810109 is {@code UPDATE_PGPU_INFO} here (from 550.40) rather than {@code MDEV_REGISTER}. */
    public boolean hasUpdatePgpuInfo() {
        return major > 550 || major == 550 && minor >= 40;
    }

    /** The name of 0xA0810109 in this release, for messages and logs. */
    public String vgpuRegisterCommand() {
        return hasUpdatePgpuInfo() ? "VGPU_CONFIG_UPDATE_PGPU_INFO" : "VGPU_CONFIG_MDEV_REGISTER";
    }

    @Override
    public int compareTo(NvrmRelease o) {
        int c = Integer.compare(major, o.major);
        if (c == 0) c = Integer.compare(minor, o.minor);
        return c != 0 ? c : Integer.compare(patch, o.patch);
    }

    /*
     * equals and hashCode are written out: a record's generated ones link method handles on their first call, some
     * 15 ms of a cold CLI process, which compares releases on its first RM call.
     */

    @Override
    public boolean equals(Object o) {
        return o instanceof NvrmRelease r && major == r.major && minor == r.minor && patch == r.patch
                && version.equals(r.version);
    }

    @Override
    public int hashCode() {
        return ((major * 31 + minor) * 31 + patch) * 31 + version.hashCode();
    }

    @Override
    public String toString() {
        return version;
    }
}
