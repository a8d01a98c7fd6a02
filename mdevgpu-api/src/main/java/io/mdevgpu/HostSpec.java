package io.mdevgpu;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Which host to open: the real one (with configurable roots, for fake trees in tests, as mdevctl does) or a
 * simulated one from an inventory.
 *
 * @param simulatedInventory empty for a real host; else {@code "default"}, a sample name or a TOML path
 * @param sysfsRoot          {@code /sys} on a real host
 * @param devRoot            {@code /dev}
 * @param mdevctlRoot        {@code /etc/mdevctl.d}
 * @param procRoot           {@code /proc}
 */
public record HostSpec(Optional<String> simulatedInventory, Path sysfsRoot, Path devRoot, Path mdevctlRoot, Path procRoot) {

    public static HostSpec real() {
        return new HostSpec(Optional.empty(), Path.of("/sys"), Path.of("/dev"), Path.of("/etc/mdevctl.d"), Path.of("/proc"));
    }

    /** A real host whose files live under {@code root} ({@code root/sys}, {@code root/dev}...): fake trees, containers. */
    public static HostSpec realAt(Path root) {
        return new HostSpec(Optional.empty(), root.resolve("sys"), root.resolve("dev"), root.resolve("etc/mdevctl.d"),
                root.resolve("proc"));
    }

    public static HostSpec simulated(String inventory) {
        if (inventory == null || inventory.isBlank()) {
            throw new ValidationException("simulated host", inventory, "name an inventory: \"default\", a sample name or a TOML file");
        }
        HostSpec r = real();
        return new HostSpec(Optional.of(inventory), r.sysfsRoot(), r.devRoot(), r.mdevctlRoot(), r.procRoot());
    }

    /**
     * A simulated host whose tree (laid out like {@code /sys}, {@code /dev}, {@code /proc} and
     * {@code /etc/mdevctl.d}) is materialised under {@code root}, an empty or missing directory, and kept there after
     * the host is closed, so that other programs (mdevctl, libvirt's tests, a shell) can read it.
     */
    public static HostSpec simulatedAt(String inventory, Path root) {
        HostSpec at = realAt(root);
        return new HostSpec(simulated(inventory).simulatedInventory(), at.sysfsRoot(), at.devRoot(), at.mdevctlRoot(),
                at.procRoot());
    }

    /** Where a simulated host's tree goes: the common parent of its roots; empty for the default (a temporary one). */
    public Optional<Path> simulationRoot() {
        if (!isSimulated() || sysfsRoot.equals(Path.of("/sys"))) return Optional.empty();
        return Optional.ofNullable(sysfsRoot.getParent());
    }

    public boolean isSimulated() {
        return simulatedInventory.isPresent();
    }

    @Override
    public String toString() {
        return simulatedInventory.map(i -> "simulated host (" + i + ")")
                .orElse("host " + (sysfsRoot.equals(Path.of("/sys")) ? "" : "at " + sysfsRoot.getParent()).strip());
    }
}
