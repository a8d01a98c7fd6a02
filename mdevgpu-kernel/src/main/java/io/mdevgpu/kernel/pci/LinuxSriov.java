package io.mdevgpu.kernel.pci;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.mdevgpu.Errno;
import io.mdevgpu.KernelException;
import io.mdevgpu.PciAddress;
import io.mdevgpu.ValidationException;
import io.mdevgpu.kernel.sysfs.AttributeWriter;
import io.mdevgpu.kernel.sysfs.SysfsLayout;
import io.mdevgpu.kernel.sysfs.SysfsReader;

/**
 * The real kernel's SR-IOV files under {@code /sys/bus/pci/devices/<pf>}: {@code sriov_*} read as text, the
 * {@code virtfnN} and {@code physfn} links, and {@code sriov_numvfs} written through an {@link AttributeWriter}
 * (one {@code write(2)}; the kernel's errno becomes the typed error, naming the PF, the count and the fix).
 */
public final class LinuxSriov implements SriovPort {
    private static final Logger LOG = LoggerFactory.getLogger(LinuxSriov.class);
    private static final String VIRTFN = "virtfn";

    private final SysfsLayout layout;
    private final AttributeWriter writer;

    public LinuxSriov(SysfsLayout layout, AttributeWriter writer) {
        this.layout = Objects.requireNonNull(layout, "layout");
        this.writer = Objects.requireNonNull(writer, "writer");
    }

    /** The host's sysfs, written with {@link AttributeWriter#LINUX}. */
    public static LinuxSriov linux(SysfsLayout layout) {
        return new LinuxSriov(layout, AttributeWriter.LINUX);
    }

    @Override
    public Optional<SriovState> state(PciAddress pf) {
        Path dir = existing(pf, "read SR-IOV state");
        Optional<String> total = SysfsReader.optionalText(dir.resolve("sriov_totalvfs"));
        if (total.isEmpty()) return Optional.empty();
        return Optional.of(new SriovState(pf, decimal(dir.resolve("sriov_totalvfs"), total.get()),
                (int) SysfsReader.decimal(dir.resolve("sriov_numvfs")), (int) SysfsReader.decimal(dir.resolve("sriov_offset")),
                (int) SysfsReader.decimal(dir.resolve("sriov_stride")), SysfsReader.hex(dir.resolve("sriov_vf_device"), 16)));
    }

    private static int decimal(Path attribute, String text) {
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw SysfsReader.malformed(attribute, text, "a decimal number");
        }
    }

    @Override
    public void enable(PciAddress pf, int count) {
        if (count < 1) {
            throw new ValidationException("VF count for " + pf, Integer.toString(count),
                    count == 0 ? "at least 1; disable(pf) disables the VFs" : "at least 1, at most sriov_totalvfs");
        }
        writeNumVfs(pf, count, "enable " + count + " SR-IOV VFs");
    }

    @Override
    public void disable(PciAddress pf) {
        writeNumVfs(pf, 0, "disable SR-IOV VFs");
    }

    private void writeNumVfs(PciAddress pf, int count, String operation) {
        Path attribute = existing(pf, operation).resolve("sriov_numvfs");
        try {
            writer.write(attribute, Integer.toString(count), operation);
        } catch (KernelException e) {
            Errno errno = e.errno();
            throw errno == null ? e : KernelException.of(operation, "on " + pf + " (" + attribute + ")", errno,
                    fix(pf, count, errno.number()), e);
        }
        if (count == 0) LOG.info("{}: SR-IOV VFs disabled (sriov_numvfs 0)", pf);
        else LOG.info("{}: {} SR-IOV VFs enabled (sriov_numvfs {})", pf, count, count);
    }

    private String fix(PciAddress pf, int count, int errno) {
        return switch (errno) {
            case 16 -> "VFs are enabled already: the kernel changes a non-zero count only through 0; disable(" + pf
                    + ") first, then enable " + count;
            case 34 -> count + " is more than the PF's sriov_totalvfs (" + totalVfs(pf) + ")";
            case 2 -> "the function has no SR-IOV capability, or no driver is bound to it that can enable VFs: bind its"
                    + " driver (for a GPU, the vendor's)";
            case 95, 38 -> "the PF's driver cannot enable VFs";
            case 12, 28 -> "the host cannot give the VFs resources (bus numbers, BAR space): see the kernel log (dmesg)";
            case 1, 13 -> "write sriov_numvfs as root";
            default -> "see the kernel log (dmesg) for what the PF's driver said";
        };
    }

    private String totalVfs(PciAddress pf) {
        return SysfsReader.optionalText(layout.pciDevice(pf).resolve("sriov_totalvfs")).orElse("absent");
    }

    @Override
    public List<PciAddress> virtualFunctions(PciAddress pf) {
        Path dir = existing(pf, "list SR-IOV VFs");
        List<String> links = new ArrayList<>();
        for (String name : SysfsReader.names(dir)) {
            if (name.startsWith(VIRTFN) && name.length() > VIRTFN.length()
                    && name.substring(VIRTFN.length()).chars().allMatch(Character::isDigit)) {
                links.add(name);
            }
        }
        links.sort(Comparator.comparingInt(name -> Integer.parseInt(name.substring(VIRTFN.length()))));
        List<PciAddress> vfs = new ArrayList<>(links.size());
        for (String link : links) vfs.add(address(dir.resolve(link)));
        return List.copyOf(vfs);
    }

    @Override
    public Optional<PciAddress> physicalFunction(PciAddress vf) {
        Path link = existing(vf, "find the PF").resolve("physfn");
        return Files.isSymbolicLink(link) ? Optional.of(address(link)) : Optional.empty();
    }

    private static PciAddress address(Path link) {
        String name = SysfsReader.linkName(link).orElseThrow(() -> SysfsReader.unexpected(link, "the link is gone"));
        try {
            return PciAddress.parse(name);
        } catch (ValidationException e) {
            throw SysfsReader.malformed(link, name, "a link to a PCI function such as ../0000:65:00.4");
        }
    }

    private Path existing(PciAddress address, String operation) {
        Path dir = layout.pciDevice(address);
        if (!Files.isDirectory(dir)) {
            throw KernelException.of(operation, address + " (" + dir + ")", Errno.ENODEV,
                    "no such PCI function on this host; `lspci -D` lists the addresses");
        }
        return dir;
    }

    @Override
    public String toString() {
        return "LinuxSriov[" + layout.pciDevices() + "]";
    }
}
