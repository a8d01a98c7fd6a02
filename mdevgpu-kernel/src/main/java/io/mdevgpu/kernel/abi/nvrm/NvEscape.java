package io.mdevgpu.kernel.abi.nvrm;

import io.mdevgpu.kernel.sys.Ioctl;

/**
 * The NVIDIA driver's ioctl escapes (nv-ioctl-numbers.h, nv_escape.h): each is {@code _IOWR('F', nr, size)} with the
 * size of its argument struct, which the driver checks exactly. The requests below take structs every release lays
 * out alike; {@link NvrmAbi} computes those of the structs that differ ({@code NV_ESC_RM_ALLOC}).
 */
public final class NvEscape {
    public static final char NV_IOCTL_MAGIC = 'F';
    public static final int NV_IOCTL_BASE = 200;

    public static final int NV_ESC_RM_FREE = 0x29;
    public static final int NV_ESC_RM_CONTROL = 0x2A;
    public static final int NV_ESC_RM_ALLOC = 0x2B;
    public static final int NV_ESC_CARD_INFO = NV_IOCTL_BASE;
    public static final int NV_ESC_REGISTER_FD = NV_IOCTL_BASE + 1;
    public static final int NV_ESC_CHECK_VERSION_STR = NV_IOCTL_BASE + 10;
    public static final int NV_ESC_IOCTL_XFER_CMD = NV_IOCTL_BASE + 11;

    /** {@code NV_ESC_CARD_INFO} fills at most this many entries (the driver's {@code NV_MAX_DEVICES}). */
    public static final int MAX_CARDS = 32;

    /** The version handshake's commands ({@code nv_ioctl_rm_api_version_t.cmd}). */
    public static final int NV_RM_API_VERSION_CMD_STRICT = 0, NV_RM_API_VERSION_CMD_RELAXED = '1',
            NV_RM_API_VERSION_CMD_QUERY = '2';
    /** Its replies: 0 = the driver did not recognize the command, 1 = it did. */
    public static final int NV_RM_API_VERSION_REPLY_UNRECOGNIZED = 0, NV_RM_API_VERSION_REPLY_RECOGNIZED = 1;

    /** 0xC04846D2. */
    public static final int CHECK_VERSION_STR = request(NV_ESC_CHECK_VERSION_STR, nv_ioctl_rm_api_version_t.sizeof());
    /** 0xC04846C8: one card's info. */
    public static final int CARD_INFO = request(NV_ESC_CARD_INFO, nv_ioctl_card_info_t.sizeof());
    /** 0xC90046C8: {@link #MAX_CARDS} cards' info, what the client asks for. */
    public static final int CARD_INFO_ALL = request(NV_ESC_CARD_INFO, MAX_CARDS * nv_ioctl_card_info_t.sizeof());
    public static final int REGISTER_FD = request(NV_ESC_REGISTER_FD, nv_ioctl_register_fd_t.sizeof());
    public static final int IOCTL_XFER_CMD = request(NV_ESC_IOCTL_XFER_CMD, nv_ioctl_xfer_t.sizeof());
    /** 0xC0104629. */
    public static final int RM_FREE = request(NV_ESC_RM_FREE, NVOS00_PARAMETERS.sizeof());
    /** 0xC020462A. */
    public static final int RM_CONTROL = request(NV_ESC_RM_CONTROL, NVOS54_PARAMETERS.sizeof());

    private NvEscape() {
    }

    /** {@code _IOWR('F', nr, size)}. */
    public static int request(int nr, long size) {
        return Ioctl.iowr(NV_IOCTL_MAGIC, nr, size);
    }

    /** {@code NV_ESC_RM_CONTROL}; {@code NV_ESC 0x..} for one this class does not name. */
    public static String name(int nr) {
        return switch (nr) {
            case NV_ESC_RM_FREE -> "NV_ESC_RM_FREE";
            case NV_ESC_RM_CONTROL -> "NV_ESC_RM_CONTROL";
            case NV_ESC_RM_ALLOC -> "NV_ESC_RM_ALLOC";
            case NV_ESC_CARD_INFO -> "NV_ESC_CARD_INFO";
            case NV_ESC_REGISTER_FD -> "NV_ESC_REGISTER_FD";
            case NV_ESC_CHECK_VERSION_STR -> "NV_ESC_CHECK_VERSION_STR";
            case NV_ESC_IOCTL_XFER_CMD -> "NV_ESC_IOCTL_XFER_CMD";
            default -> "NV_ESC 0x" + Integer.toHexString(nr);
        };
    }
}
