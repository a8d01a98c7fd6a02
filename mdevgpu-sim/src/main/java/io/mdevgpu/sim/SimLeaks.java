package io.mdevgpu.sim;

/**
 * What the simulated kernel holds for its callers at one moment: a caller that closed everything it opened leaves
 * {@link #isClean()} true. After {@link SimulatedKernel#close()} every count is 0, except mappings, which only
 * their owner can unmap (the kernel cannot take memory away from under a live segment).
 *
 * @param vfioFds        open VFIO container, group and device fds
 * @param mappings       mappings of device regions not unmapped
 * @param eventfds       eventfds bound to devices' interrupts
 * @param memfds         devices' memory: one memfd per open device
 * @param rmFds          open NVIDIA device-node fds
 * @param rmClients      live RM root clients
 * @param rmHandles      live RM handles, the clients' own included
 * @param rmAttachedGpus GPUs attached through an open {@code nvidiactl} fd
 */
public record SimLeaks(int vfioFds, int mappings, int eventfds, int memfds, int rmFds, int rmClients, int rmHandles,
                       int rmAttachedGpus) {
    /** Nothing a caller opened is left open. */
    public boolean isClean() {
        return vfioFds == 0 && mappings == 0 && eventfds == 0 && memfds == 0 && rmFds == 0 && rmClients == 0 && rmHandles == 0
                && rmAttachedGpus == 0;
    }

    @Override
    public String toString() {
        return (isClean() ? "clean" : "LEAKS") + ": vfio fds " + vfioFds + ", mappings " + mappings + ", eventfds " + eventfds
                + ", RM fds " + rmFds + ", RM clients " + rmClients + ", RM handles " + rmHandles + ", attached GPUs "
                + rmAttachedGpus + ", device memfds " + memfds;
    }
}
