package io.mdevgpu.kernel.abi.vfio;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

import io.mdevgpu.kernel.sys.Ioctl;

/**
 * The VFIO request numbers of {@code linux/vfio.h}, each named as its C macro. VFIO encodes neither direction
 * nor size ({@code _IO(VFIO_TYPE, VFIO_BASE + n)}): the structs carry their own {@code argsz}.
 */
public final class VfioIoctls {
    public static final int VFIO_TYPE = ';';
    public static final int VFIO_BASE = 100;

    // on the container (/dev/vfio/vfio)
    public static final int VFIO_GET_API_VERSION = vfio(0);
    public static final int VFIO_CHECK_EXTENSION = vfio(1);
    public static final int VFIO_SET_IOMMU = vfio(2);
    // on a group (/dev/vfio/N)
    public static final int VFIO_GROUP_GET_STATUS = vfio(3);
    public static final int VFIO_GROUP_SET_CONTAINER = vfio(4);
    public static final int VFIO_GROUP_UNSET_CONTAINER = vfio(5);
    public static final int VFIO_GROUP_GET_DEVICE_FD = vfio(6);
    // on a device fd
    public static final int VFIO_DEVICE_GET_INFO = vfio(7);
    public static final int VFIO_DEVICE_GET_REGION_INFO = vfio(8);
    public static final int VFIO_DEVICE_GET_IRQ_INFO = vfio(9);
    public static final int VFIO_DEVICE_SET_IRQS = vfio(10);
    public static final int VFIO_DEVICE_RESET = vfio(11);
    // on a container with a type1 IOMMU set
    public static final int VFIO_IOMMU_GET_INFO = vfio(12);
    public static final int VFIO_IOMMU_MAP_DMA = vfio(13);
    public static final int VFIO_IOMMU_UNMAP_DMA = vfio(14);

    private VfioIoctls() {
    }

    private static int vfio(int n) {
        return Ioctl.io(VFIO_TYPE, VFIO_BASE + n);
    }

    /** Every request number above by C name, in request order (for {@code mdevgpu abi} and the ABI test). */
    public static Map<String, Integer> all() {
        return ALL;
    }

    /** The C name of a VFIO request number, for logs and errors; {@link Ioctl#describe} for others. */
    public static String name(long request) {
        String name = NAMES.get((int) request);
        return name != null && (request >>> 32) == 0 ? name : Ioctl.describe((int) request);
    }

    private static final Map<String, Integer> ALL;
    private static final Map<Integer, String> NAMES;

    static {
        TreeMap<Integer, String> byRequest = new TreeMap<>();
        for (Field f : VfioIoctls.class.getDeclaredFields()) {
            int m = f.getModifiers();
            if (Modifier.isPublic(m) && Modifier.isStatic(m) && f.getType() == int.class && f.getName().startsWith("VFIO_")
                    && !f.getName().equals("VFIO_TYPE") && !f.getName().equals("VFIO_BASE")) {
                try {
                    byRequest.put(f.getInt(null), f.getName());
                } catch (IllegalAccessException e) {
                    throw new AssertionError(e);
                }
            }
        }
        LinkedHashMap<String, Integer> all = new LinkedHashMap<>();
        byRequest.forEach((request, name) -> all.put(name, request));
        ALL = Collections.unmodifiableMap(all);
        NAMES = Map.copyOf(byRequest);
    }
}
