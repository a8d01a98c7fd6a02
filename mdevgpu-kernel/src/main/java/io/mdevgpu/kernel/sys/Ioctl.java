package io.mdevgpu.kernel.sys;

/**
 * The one encoder of Linux ioctl request numbers ({@code _IOC} from {@code asm-generic/ioctl.h}: 2 direction
 * bits, 14 size bits, 8 type bits, 8 number bits). Every request the project uses is built here and asserted
 * against the C compiler in a test.
 */
public final class Ioctl {
    public static final int NONE = 0, WRITE = 1, READ = 2;
    private static final int NR_SHIFT = 0, TYPE_SHIFT = 8, SIZE_SHIFT = 16, DIR_SHIFT = 30;
    private static final int SIZE_MAX = (1 << 14) - 1;

    private Ioctl() {
    }

    public static int ioc(int direction, int type, int nr, int size) {
        if (size < 0 || size > SIZE_MAX) {
            throw new IllegalArgumentException("ioctl argument size " + size + " does not fit _IOC's 14 bits");
        }
        return direction << DIR_SHIFT | size << SIZE_SHIFT | (type & 0xFF) << TYPE_SHIFT | (nr & 0xFF) << NR_SHIFT;
    }

    /** {@code _IO(type, nr)}. */
    public static int io(int type, int nr) { return ioc(NONE, type, nr, 0); }
    /** {@code _IOR(type, nr, size)}. */
    public static int ior(int type, int nr, long size) { return ioc(READ, type, nr, Math.toIntExact(size)); }
    /** {@code _IOW(type, nr, size)}. */
    public static int iow(int type, int nr, long size) { return ioc(WRITE, type, nr, Math.toIntExact(size)); }
    /** {@code _IOWR(type, nr, size)}. */
    public static int iowr(int type, int nr, long size) { return ioc(READ | WRITE, type, nr, Math.toIntExact(size)); }

    public static int direction(int request) { return request >>> DIR_SHIFT; }
    public static int type(int request) { return request >>> TYPE_SHIFT & 0xFF; }
    public static int nr(int request) { return request >>> NR_SHIFT & 0xFF; }
    public static int size(int request) { return request >>> SIZE_SHIFT & SIZE_MAX; }

    /** {@code 0xc020462a (_IOWR('F', 0x2a, 32))}, for logs and errors. */
    public static String describe(int request) {
        String dir = switch (direction(request)) {
            case NONE -> "_IO";
            case READ -> "_IOR";
            case WRITE -> "_IOW";
            default -> "_IOWR";
        };
        int t = type(request);
        String type = t >= 0x20 && t < 0x7F ? "'" + (char) t + "'" : "0x" + Integer.toHexString(t);
        return "0x" + Integer.toHexString(request) + " (" + dir + "(" + type + ", 0x" + Integer.toHexString(nr(request))
                + (direction(request) == NONE ? "" : ", " + size(request)) + "))";
    }
}
