package io.mdevgpu;

/**
 * Implemented by the engine (io.mdevgpu.core) and found through {@link java.util.ServiceLoader}; callers use
 * {@link MdevHost#open()} and {@link MdevHost#simulated(String)}, not this.
 */
public interface MdevHostProvider {
    /**
     * Opens the host {@code spec} describes: the real one under its roots, or a simulated one from the simulator
     * artifact.
     *
     * @param spec the host: a real one's roots ({@code /sys}, {@code /dev}, {@code /etc/mdevctl.d}, {@code /proc}), or
     *             a simulated one's inventory
     * @return the open host, owned by the caller
     * @throws HostStateException for a simulated host when the simulator is not on the class or module path
     */
    MdevHost open(HostSpec spec);
}
