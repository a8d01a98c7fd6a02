package io.mdevgpu.sim;

import io.mdevgpu.kernel.abi.nvrm.NvEscape;

/**
 * The simulated NVIDIA driver's calls: opening, closing and reading its files, and its ioctl escapes. An errno
 * failure makes {@code open}, {@code close} and {@code ioctl} return {@code -errno} and a read find nothing; an
 * {@link RmStatus} makes an {@link #ALLOC}, {@link #CONTROL} or {@link #FREE} succeed as an ioctl with that status in
 * its parameters (any other call it fails with {@code EIO}). {@link RmControl} names single control commands.
 */
public enum RmCall implements SimCall {
    /** {@code open} of {@code /dev/nvidiactl} or {@code /dev/nvidia<i>}. */
    OPEN,
    /** {@code close} of one of the driver's fds. */
    CLOSE,
    /** A read of one of the driver's files ({@code /proc/driver/nvidia/version}, a GPU's information file). */
    READ,
    /** {@code NV_ESC_CHECK_VERSION_STR}: the client and driver versions. */
    VERSION,
    /** {@code NV_ESC_CARD_INFO}: the probed GPUs. */
    CARD_INFO,
    /** {@code NV_ESC_RM_ALLOC}: a client, device, subdevice or vGPU config object. */
    ALLOC,
    /** {@code NV_ESC_RM_CONTROL}: any control command ({@link RmControl} names one). */
    CONTROL,
    /** {@code NV_ESC_RM_FREE}. */
    FREE,
    /** An escape the driver does not know, or one whose size is wrong. */
    OTHER_IOCTL;

    @Override
    public Faults.Seam seam() {
        return Faults.Seam.NVIDIA;
    }

    /** The call an ioctl with escape number {@code nr} is; {@code sized}: its argument's size is the escape's. */
    static RmCall ofEscape(int nr, boolean sized) {
        if (!sized) return OTHER_IOCTL;
        return switch (nr) {
            case NvEscape.NV_ESC_CHECK_VERSION_STR -> VERSION;
            case NvEscape.NV_ESC_CARD_INFO -> CARD_INFO;
            case NvEscape.NV_ESC_RM_ALLOC -> ALLOC;
            case NvEscape.NV_ESC_RM_CONTROL -> CONTROL;
            case NvEscape.NV_ESC_RM_FREE -> FREE;
            default -> OTHER_IOCTL;
        };
    }
}
