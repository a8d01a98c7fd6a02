package io.mdevgpu;

import java.util.List;

/** The running NVIDIA driver's release has no layout family in this library. */
public final class UnsupportedDriverException extends MdevException {
    private final String version;
    private final List<String> known;

    public UnsupportedDriverException(String target, String version, List<String> known) {
        super("select NVIDIA RM ABI", target, "driver release " + version + " is not known to this library",
                "Known release families: " + String.join(", ", known)
                        + "; use a driver of one of them or a newer mdevgpu", null);
        this.version = version;
        this.known = List.copyOf(known);
    }

    public String version() { return version; }
    public List<String> knownReleases() { return known; }
}
