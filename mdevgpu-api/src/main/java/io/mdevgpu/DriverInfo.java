package io.mdevgpu;

/**
 * The GPU driver as the host reports it.
 *
 * @param name          {@code "nvidia"}
 * @param version       the driver's own version string, e.g. {@code "580.159.04"}
 * @param layoutFamily  the ABI layout family the library selected for it, e.g. {@code "r580"}
 * @param limits        the release's per-GPU limits
 */
public record DriverInfo(String name, String version, String layoutFamily, DriverLimits limits) {
    @Override
    public String toString() {
        return name + " " + version + " (layouts " + layoutFamily + "; " + limits + ")";
    }
}
