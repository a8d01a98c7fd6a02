package io.mdevgpu.realkernel;

import java.util.List;
import java.util.Optional;

/**
 * What the kernel's sample mdev drivers document in their sources (samples/vfio-mdev/{mtty,mdpy,mbochs}.c,
 * the same in 6.1 and 6.12): the expectations of the guest suite, written down independently of any code
 * under test.
 */
enum SampleDriver {
    /** 24 serial ports shared by all instances (MAX_MTTYS); capacity error ENOSPC. */
    MTTY("mtty", 0x4348, 0x3253,
            new SampleType("mtty-1", "Single port serial", null, 24),
            new SampleType("mtty-2", "Dual port serial", null, 12)),
    /** mdev core's instance count (max_instances = 4) for the parent; capacity error EUSERS. */
    MDPY("mdpy", 0x1b36, 0x000f,
            new SampleType("mdpy-vga", "mdpy-vga", "virtual display, 640x480 framebuffer", 4),
            new SampleType("mdpy-xga", "mdpy-xga", "virtual display, 1024x768 framebuffer", 4),
            new SampleType("mdpy-hd", "mdpy-hd", "virtual display, 1920x1080 framebuffer", 4)),
    /** 256 MB of video memory shared by all instances (max_mbytes); capacity error ENOSPC. */
    MBOCHS("mbochs", 0x1234, 0x1111,
            new SampleType("mbochs-small", "mbochs-small", "virtual display, 4 MB video memory", 64),
            new SampleType("mbochs-medium", "mbochs-medium", "virtual display, 16 MB video memory", 16),
            new SampleType("mbochs-large", "mbochs-large", "virtual display, 64 MB video memory", 4));

    /** One type: its id in sysfs, its {@code name} attribute, its {@code description} (mtty has none), its capacity. */
    record SampleType(String id, String name, String descriptionOrNull, int capacity) {
        Optional<String> description() {
            return Optional.ofNullable(descriptionOrNull);
        }
    }

    final String parent;
    final int vendorId;
    final int deviceId;
    final List<SampleType> types;

    SampleDriver(String parent, int vendorId, int deviceId, SampleType... types) {
        this.parent = parent;
        this.vendorId = vendorId;
        this.deviceId = deviceId;
        this.types = List.of(types);
    }

    SampleType firstType() {
        return types.getFirst();
    }
}
