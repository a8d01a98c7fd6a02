package io.mdevgpu.kernel.testing;

import java.util.List;

import io.mdevgpu.PciAddress;
import io.mdevgpu.PciId;
import io.mdevgpu.kernel.nvrm.FakeNvidiaDriver;
import io.mdevgpu.kernel.nvrm.RmTransport;

/**
 * The simulated NVIDIA driver ({@link FakeNvidiaDriver}) for the tests of other modules. They compile against the
 * kernel module, which owns the package {@code io.mdevgpu.kernel.nvrm}, so a test class of that package in the test
 * jar is hidden from them at compile time; this package is not the module's, so they see this one.
 */
public final class SimulatedNvidia {
    private final FakeNvidiaDriver driver;

    private SimulatedNvidia(FakeNvidiaDriver driver) {
        this.driver = driver;
    }

    /** The real H100 host of {@code docs/hardware/h100-580.md}: 580.159.04 in pass-through mode. */
    public static SimulatedNvidia h100PassThrough580() {
        return new SimulatedNvidia(FakeNvidiaDriver.h100PassThrough580());
    }

    /** A driver of release {@code version} with one GPU. */
    public static SimulatedNvidia of(String version, int gpuId, PciAddress address, PciId id, int minor,
                                     int deviceInstance, int virtualizationMode) {
        return new SimulatedNvidia(new FakeNvidiaDriver(version).gpu(gpuId, address, id, minor, deviceInstance,
                virtualizationMode));
    }

    /** The port the RM client talks to. */
    public RmTransport transport() {
        return driver;
    }

    /** Every control command received so far, as numbers, in order. */
    public List<Integer> controlCommands() {
        return driver.controlCommands();
    }

    /** The log lines of the calls received so far that start with {@code prefix} ({@code "ALLOC NVA081"}...). */
    public List<String> calls(String prefix) {
        return driver.calls(prefix);
    }

    /** The handles of the RM objects still allocated. */
    public List<Integer> liveObjects() {
        return driver.liveObjects();
    }

    /** The device nodes still open. */
    public List<String> openNodes() {
        return driver.openNodes();
    }

    @Override
    public String toString() {
        return driver.toString();
    }
}
