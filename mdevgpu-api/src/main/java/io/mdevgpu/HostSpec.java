package io.mdevgpu;

import java.nio.file.Path;
import java.util.Objects;
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
 * @param temporaryTree      the temporary directory an open simulated host's tree is in (deleted when the host
 *                           closes or, never closed, once it is unreachable); empty for a real host, a simulated host
 *                           kept in a directory ({@link #simulationRoot()} says where) and a spec not opened yet
 */
public record HostSpec(Optional<String> simulatedInventory, Path sysfsRoot, Path devRoot, Path mdevctlRoot, Path procRoot,
                       Optional<Path> temporaryTree) {
    /**
     * Checks that only a simulated host has a temporary tree.
     *
     * @throws NullPointerException when {@code temporaryTree} is null (give {@link Optional#empty()})
     * @throws ValidationException  when a real host is given a temporary tree
     */
    public HostSpec {
        Objects.requireNonNull(temporaryTree, "temporaryTree");
        if (temporaryTree.isPresent() && simulatedInventory.isEmpty()) {
            throw new ValidationException("host", temporaryTree.get().toString(), "a temporary tree only for a simulated host");
        }
    }

    /**
     * A host with no temporary tree (every host before it is opened).
     *
     * @param simulatedInventory empty for a real host; else {@code "default"}, a sample name or a TOML path
     * @param sysfsRoot          {@code /sys} on a real host
     * @param devRoot            {@code /dev}
     * @param mdevctlRoot        {@code /etc/mdevctl.d}
     * @param procRoot           {@code /proc}
     */
    public HostSpec(Optional<String> simulatedInventory, Path sysfsRoot, Path devRoot, Path mdevctlRoot, Path procRoot) {
        this(simulatedInventory, sysfsRoot, devRoot, mdevctlRoot, procRoot, Optional.empty());
    }

    /** The forms {@link #parse} takes, in words. */
    public static final String FORMS = "real, real:DIR, sim, sim:NAME, sim:FILE, or a simulated host kept in a directory: "
            + "sim@DIR, sim:NAME@DIR, sim:FILE@DIR";

    /** {@return the real host: {@code /sys}, {@code /dev}, {@code /etc/mdevctl.d} and {@code /proc}} */
    public static HostSpec real() {
        return new HostSpec(Optional.empty(), Path.of("/sys"), Path.of("/dev"), Path.of("/etc/mdevctl.d"), Path.of("/proc"));
    }

    /**
     * A real host whose files live under {@code root} ({@code root/sys}, {@code root/dev}...): fake trees, containers.
     *
     * @param root the directory holding {@code sys}, {@code dev}, {@code proc} and {@code etc/mdevctl.d}
     * @return the spec, as {@code --host real:DIR} names it
     */
    public static HostSpec realAt(Path root) {
        return new HostSpec(Optional.empty(), root.resolve("sys"), root.resolve("dev"), root.resolve("etc/mdevctl.d"),
                root.resolve("proc"));
    }

    /**
     * A simulated host of its own, in a temporary tree made when it is opened (see {@link #temporaryTree()}).
     *
     * @param inventory {@code "default"}, another built-in inventory's name ({@code "h100-580"}: those of
     *                  {@code samples/hosts/}) or an inventory TOML file's path
     * @return the spec, as {@code --host sim:NAME} names it
     * @throws ValidationException when {@code inventory} is null or blank
     */
    public static HostSpec simulated(String inventory) {
        if (inventory == null || inventory.isBlank()) {
            throw new ValidationException("simulated host", inventory, "name an inventory: \"default\", a sample name or a TOML file");
        }
        HostSpec r = real();
        return new HostSpec(Optional.of(inventory), r.sysfsRoot(), r.devRoot(), r.mdevctlRoot(), r.procRoot());
    }

    /**
     * A simulated host kept in the directory {@code root}: its tree (laid out like {@code /sys}, {@code /dev},
     * {@code /proc} and {@code /etc/mdevctl.d}), which other programs (mdevctl, libvirt's tests, a shell) can read,
     * and its kernel's state (the driver's type tables, the instances, the open devices) in
     * {@code run/mdevgpu-sim/}. The first open makes it in an empty or missing directory; every later open, by this
     * process or another, finds the host as it was left, so one command can create an instance and the next remove
     * it, and processes opening it at once see one host, each change made under the directory's lock. It must be
     * opened with the same inventory each time.
     *
     * @param inventory {@code "default"}, another built-in inventory's name ({@code "h100-580"}: those of
     *                  {@code samples/hosts/}) or an inventory TOML file's path
     * @param root      the directory the host is kept in
     * @return the spec, as {@code --host sim:NAME@DIR} names it
     * @throws ValidationException when {@code inventory} is null or blank
     */
    public static HostSpec simulatedAt(String inventory, Path root) {
        HostSpec at = realAt(root);
        return new HostSpec(simulated(inventory).simulatedInventory(), at.sysfsRoot(), at.devRoot(), at.mdevctlRoot(),
                at.procRoot());
    }

    /**
     * This simulated host, opened with its tree in the temporary directory {@code tree}: what
     * {@link MdevHost#spec()} of such a host says ({@link #simulatedTree()}).
     *
     * @param tree the temporary directory the opened host's tree is in
     * @return a copy with that temporary tree
     * @throws ValidationException when this is a real host
     */
    public HostSpec withTemporaryTree(Path tree) {
        return new HostSpec(simulatedInventory, sysfsRoot, devRoot, mdevctlRoot, procRoot, Optional.of(tree));
    }

    /**
     * {@return where an open simulated host's tree is} It has {@code sys}, {@code dev}, {@code proc} and
     * {@code etc/mdevctl.d} below it: the directory it is kept in, or the temporary one it was opened in. Empty for a
     * real host, and for a simulated host not kept in a directory and not opened.
     */
    public Optional<Path> simulatedTree() {
        return simulationRoot().or(() -> temporaryTree);
    }

    /**
     * {@return where a simulated host kept in a directory has its tree: the common parent of its roots} Empty for a
     * real host and for a simulated one not kept in a directory (its tree is a temporary one).
     */
    public Optional<Path> simulationRoot() {
        if (!isSimulated() || sysfsRoot.equals(Path.of("/sys"))) return Optional.empty();
        return Optional.ofNullable(sysfsRoot.getParent());
    }

    /**
     * A host as the CLI's {@code --host} and JShell's {@code MDEVGPU_HOST} name it: {@code real}, {@code real:DIR} (a
     * host tree under DIR, {@link #realAt}), {@code sim} (the default simulated host, for this process only),
     * {@code sim:NAME} or {@code sim:FILE} (an inventory), and either simulated form followed by {@code @DIR}: the
     * host kept in DIR ({@link #simulatedAt}), which every later command naming it finds as it was left.
     *
     * @param text the name, blanks around it ignored; null is refused
     * @return the spec it names
     * @throws ValidationException for any other text
     */
    public static HostSpec parse(String text) {
        String t = text == null ? "" : text.strip();
        if (t.equals("real")) return real();
        if (t.startsWith("real:") && t.length() > 5) return realAt(Path.of(t.substring(5)));
        if (t.equals("sim") || t.startsWith("sim:") || t.startsWith("sim@")) {
            int at = t.lastIndexOf('@');
            String inventory = at < 0 ? t : t.substring(0, at);
            inventory = inventory.equals("sim") ? "default" : inventory.startsWith("sim:") ? inventory.substring(4) : "";
            if (!inventory.isBlank() && at < 0) return simulated(inventory);
            if (!inventory.isBlank() && at < t.length() - 1) return simulatedAt(inventory, Path.of(t.substring(at + 1)));
        }
        throw new ValidationException("host", text, FORMS);
    }

    /**
     * {@return this host as {@code --host} names it} It is one of {@code real}, {@code real:DIR}, {@code sim},
     * {@code sim:NAME}, {@code sim@DIR} and {@code sim:NAME@DIR}, which {@link #parse} reads back. A real host whose
     * roots are not one tree's has no such name: its {@code real:} form names the parent of its sysfs root.
     */
    public String argument() {
        Optional<Path> root = simulationRoot();
        if (isSimulated()) {
            String inventory = simulatedInventory.get();
            return "sim" + (inventory.equals("default") ? "" : ":" + inventory) + root.map(r -> "@" + r).orElse("");
        }
        return sysfsRoot.equals(Path.of("/sys")) ? "real" : "real:" + sysfsRoot.getParent();
    }

    /** {@return whether this is a simulated host (an inventory is named)} */
    public boolean isSimulated() {
        return simulatedInventory.isPresent();
    }

    @Override
    public String toString() {
        return simulatedInventory.map(i -> "simulated host (" + i + ")" + simulationRoot().map(r -> " at " + r).orElse(""))
                .orElse("host" + (sysfsRoot.equals(Path.of("/sys")) ? "" : " at " + sysfsRoot.getParent()));
    }
}
