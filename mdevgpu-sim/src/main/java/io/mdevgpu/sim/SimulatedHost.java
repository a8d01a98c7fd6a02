package io.mdevgpu.sim;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

import io.mdevgpu.HostSpec;
import io.mdevgpu.MdevHost;
import io.mdevgpu.ValidationException;
import io.mdevgpu.core.host.EngineHost;

/**
 * A simulated host opened for a test, with what a test needs beside the {@link MdevHost}: its {@link Faults} (fail
 * chosen calls, read the recorded ones), its leak check ({@link #leaks()}) and where its tree is ({@link #root()},
 * also {@link HostSpec#simulatedTree()} of {@link #host()}'s spec). Works on the module path with nothing but
 * {@code requires io.mdevgpu.sim}:
 * <pre>{@code
 * try (SimulatedHost sim = SimulatedHost.newBuilder().inventory("default").build()) {
 *     MdevHost host = sim.host();
 *     sim.faults().failNext(MdevCall.CREATE, Faults.Failure.errno(Errno.ENOSPC));
 *     ...
 *     sim.requireNoLeaks();
 * }
 * }</pre>
 * Closing it closes the host (the devices opened through it, then the simulated kernel) and deletes a temporary
 * tree; a host that is never closed has its temporary tree deleted once it is unreachable. Not thread-safe to
 * build; the host and its faults are thread-safe.
 */
public final class SimulatedHost implements AutoCloseable {
    private final EngineHost host;
    private final SimulatedKernel kernel;

    private SimulatedHost(EngineHost host, SimulatedKernel kernel) {
        this.host = host;
        this.kernel = kernel;
    }

    public static Builder newBuilder() {
        return new Builder();
    }

    /** The host, as the API sees it. */
    public MdevHost host() {
        return host;
    }

    /** The simulated kernel's faults: fail chosen calls, count and read the recorded ones. */
    public Faults faults() {
        return kernel.faults();
    }

    /** What callers hold open in the simulated kernel now: fds, mappings, eventfds, RM clients and handles. */
    public SimLeaks leaks() {
        return kernel.leaks();
    }

    /**
     * Checks that nothing is left open now ({@link SimLeaks#isClean()}).
     *
     * @throws AssertionError naming what leaked: the test (or the library) left something open
     */
    public void requireNoLeaks() {
        SimLeaks leaks = leaks();
        if (!leaks.isClean()) {
            throw new AssertionError("the " + host.spec() + " has resources left open (close every VfioDevice and "
                    + "MappedRegion a test opens): " + leaks);
        }
    }

    /** Where the host's tree is: {@code sys}, {@code dev}, {@code proc}, {@code etc/mdevctl.d} below it. */
    public Path root() {
        return kernel.root();
    }

    /** The simulated kernel beneath the host (its type tables, instances, devices' interrupts). */
    public SimulatedKernel kernel() {
        return kernel;
    }

    /** Closes the host and the simulated kernel; deletes a temporary tree. Idempotent. */
    @Override
    public void close() {
        host.close();
    }

    @Override
    public String toString() {
        return host.spec() + " in " + kernel.root() + ", " + kernel.faults();
    }

    /** Builds a {@link SimulatedHost}: an inventory, where its tree goes, how many calls it records. */
    public static final class Builder {
        private String inventory = "default";
        private Path root;
        private Integer recording;
        private Faults faults;

        private Builder() {
        }

        /** The host's inventory: a built-in name ({@code default}, {@code a100x2}, {@code h100-580}...) or a TOML file. */
        public Builder inventory(String nameOrFile) {
            this.inventory = Objects.requireNonNull(nameOrFile, "inventory");
            return this;
        }

        /** The host's inventory from a TOML file (see {@code samples/hosts/}). */
        public Builder inventory(Path file) {
            return inventory(Objects.requireNonNull(file, "file").toString());
        }

        /**
         * Keeps the tree in {@code directory} (empty or missing, or holding this host from an earlier open), which is
         * not deleted on close; by default a temporary directory, deleted on close.
         */
        public Builder root(Path directory) {
            this.root = Objects.requireNonNull(directory, "directory");
            return this;
        }

        /** Records the last {@code calls} calls ({@link Faults#recording(int)}; 0: none); by default the last {@value Faults#DEFAULT_RECORDING}. */
        public Builder recording(int calls) {
            this.recording = calls;
            return this;
        }

        /** Uses {@code faults}, which may hold rules armed in advance (to fail a call made while the host opens). */
        public Builder faults(Faults faults) {
            this.faults = Objects.requireNonNull(faults, "faults");
            return this;
        }

        /**
         * Opens the host.
         *
         * @throws ValidationException for a bad recording bound or root
         * @throws io.mdevgpu.ConfigException for an unknown inventory or an invalid inventory file
         */
        public SimulatedHost build() {
            Faults f = faults != null ? faults : new Faults();
            if (recording != null) f.recording(recording);
            EngineHost host = SimulatedHostProvider.simulated(inventory, f, Optional.ofNullable(root));
            return new SimulatedHost(host, (SimulatedKernel) host.kernel());
        }
    }
}
