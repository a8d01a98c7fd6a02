package io.mdevgpu.sim;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.mdevgpu.sim.SimVfioKernel.Device;
import io.mdevgpu.sim.SimVfioKernel.Group;

/**
 * What a {@link SimVfioKernel.Group} holds: its number, whether it is viable, and its devices. Package-private: the public type
 * is the nested one, which has only its constructor.
 */
abstract sealed class AbstractVfioGroup permits SimVfioKernel.Group {
    final int number;
    boolean viable = true;
    final Map<String, Device> devices = new LinkedHashMap<>();
    final SimVfioKernel kernel;

    AbstractVfioGroup(SimVfioKernel kernel, int number) {
        this.kernel = kernel;
        this.number = number;
    }

    public int number() { return number; }

    /** Whether every device of the group is bound to VFIO (a group that is not cannot be used). */
    public Group viable(boolean viable) {
        synchronized (kernel.lock) {
            this.viable = viable;
            return self();
        }
    }

    /** The device called {@code name}, added when new. */
    public Device device(String name) {
        synchronized (kernel.lock) {
            return devices.computeIfAbsent(name, n -> new Device(kernel, n));
        }
    }

    public List<Device> devices() {
        synchronized (kernel.lock) {
            return List.copyOf(devices.values());
        }
    }

    @Override
    public String toString() {
        return "group " + number + " " + devices.keySet();
    }

    /** This, as the public type it is (the only subclass). */
    private Group self() {
        return (Group) this;
    }
}
