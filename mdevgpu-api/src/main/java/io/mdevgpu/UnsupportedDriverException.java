package io.mdevgpu;

import java.util.List;

/** The running NVIDIA driver's release has no layout family in this library. */
public final class UnsupportedDriverException extends MdevException {
    private static final long serialVersionUID = 1L;

    /** The release the driver runs; see {@link #version()}. */
    private final String version;
    /** The release families that would do; see {@link #knownReleases()}. */
    private final List<String> known;

    /**
     * A driver release the library has no layout for.
     *
     * @param target  where the version came from ({@code /dev/nvidiactl}, {@code /proc/driver/nvidia/version}), or the
     *                GPU and the layout its family lacks
     * @param version the release, e.g. {@code "470.256.02"}, or why it is unknown in words
     * @param known   the release families that would do, e.g. {@code "535-545"}; copied
     */
    public UnsupportedDriverException(String target, String version, List<String> known) {
        super("select NVIDIA RM ABI", target, "driver release " + version + " is not known to this library",
                "Known release families: " + String.join(", ", known)
                        + "; use a driver of one of them or a newer mdevgpu", null);
        this.version = version;
        this.known = List.copyOf(known);
    }

    /**
     * {@return the driver's release as the driver or {@code /proc/driver/nvidia/version} gave it, e.g.
     * {@code "470.256.02"}} Where the driver did not answer, a sentence in parentheses says why it is unknown.
     */
    public String version() { return version; }

    /**
     * {@return the release families that would do, oldest first, e.g. {@code 510}, {@code 525-530}: every family
     * the library knows, or those with the layout the operation needs; unmodifiable}
     */
    public List<String> knownReleases() { return known; }
}
