package io.mdevgpu.core.partition;

import io.mdevgpu.Bar;
import io.mdevgpu.MdevType;
import io.mdevgpu.PciId;
import io.mdevgpu.Size;
import io.mdevgpu.ValidationException;
import io.mdevgpu.core.pci.GuestConfigSpace;
import io.mdevgpu.core.pci.PciConfigSpace;
import io.mdevgpu.kernel.pci.PciResource;

import java.util.ArrayList;
import java.util.List;

/**
 * A physical GPU as the planner sees it: identity, the framebuffer the vGPU manager can place instances in,
 * and NVIDIA's three memory windows. NVIDIA names them BAR0 (registers), BAR1 (the framebuffer aperture) and
 * BAR3 after the classic layout (32-bit BAR0 at register 0, 64-bit BAR1 at registers 1-2, 64-bit BAR3 at 3-4);
 * on a GPU whose BAR0 is 64-bit (the H100 in {@code fixtures/h100-sxm5-80g}) they sit at PCI BARs 0, 2 and 4. Either
 * way they are the first, second and third memory BAR, which is how {@link #of(String, String, PciConfigSpace, Size)}
 * finds them.
 *
 * @param id          short id, e.g. {@code a100-40g} or a PCI address
 * @param name        the product name as the driver reports it
 * @param pciId       vendor, device, subsystem
 * @param classCode   24-bit PCI class (0x030200 3D controller, 0x030000 VGA)
 * @param revision    PCI revision id
 * @param framebuffer the framebuffer instances are placed in, whole MiB
 * @param bar0        register window
 * @param bar1        framebuffer aperture; no guest's BAR1 window may be larger (each maps through it on demand)
 * @param bar3        the third window
 */
public record GpuModel(String id, String name, PciId pciId, int classCode, int revision, Size framebuffer,
                       Size bar0, Size bar1, Size bar3) {
    public GpuModel {
        if (id == null || id.isBlank() || name == null || name.isBlank() || pciId == null) {
            throw new ValidationException("GPU model", id, "an id, a name and a PCI identity are required");
        }
        if (classCode < 0 || classCode > 0xff_ffff || revision < 0 || revision > 0xff) {
            throw new ValidationException("GPU " + id + " class and revision", String.format("0x%x rev 0x%x", classCode, revision),
                    "a class code has 24 bits and a revision 8");
        }
        if (framebuffer == null || framebuffer.isZero() || !framebuffer.isWholeMiB()) {
            throw new ValidationException("GPU " + id + " framebuffer", String.valueOf(framebuffer), "a positive whole number of MiB");
        }
        window(id, "BAR0", bar0);
        window(id, "BAR1", bar1);
        window(id, "BAR3", bar3);
    }

    private static void window(String id, String what, Size size) {
        if (size == null || !size.isPowerOfTwo()) {
            throw new ValidationException("GPU " + id + " " + what, String.valueOf(size), "a BAR is a power of two bytes");
        }
    }

    /**
     * A GPU read from the host: its config space parsed with BAR sizes
     * ({@link PciConfigSpace#parse(byte[], List)}) and the framebuffer the driver reports.
     *
     * @throws ValidationException when the space has fewer than three sized memory BARs
     */
    public static GpuModel of(String id, String name, PciConfigSpace space, Size framebuffer) {
        List<Size> windows = new ArrayList<>(3);
        for (Bar bar : space.bars()) {
            if (bar.isMemory() && bar.sizeKnown()) {
                windows.add(bar.size());
            }
        }
        return fromMemoryWindows(id, name, space.pciId(), space.classCode(), space.revision(), framebuffer, windows);
    }

    /**
     * A GPU from sysfs attributes: identity, class and revision files, the lines of the {@code resource} file
     * ({@link PciResource#parse(String, String)}), the driver's framebuffer.
     */
    public static GpuModel of(String id, String name, PciId pciId, int classCode, int revision, Size framebuffer,
                              List<PciResource> resources) {
        List<Size> windows = new ArrayList<>(3);
        for (PciResource window : PciResource.memoryBars(resources)) {
            windows.add(window.size());
        }
        return fromMemoryWindows(id, name, pciId, classCode, revision, framebuffer, windows);
    }

    private static GpuModel fromMemoryWindows(String id, String name, PciId pciId, int classCode, int revision,
                                              Size framebuffer, List<Size> windows) {
        if (windows.size() < 3) {
            throw new ValidationException("GPU " + id + " BARs", windows.toString(),
                    "an NVIDIA GPU has three memory BARs (registers, framebuffer aperture, BAR3); BAR sizes come from sysfs resource");
        }
        return new GpuModel(id, name, pciId, classCode, revision, framebuffer, windows.get(0), windows.get(1), windows.get(2));
    }

    /** The identity a guest of {@code type} sees on this GPU ({@link GuestConfigSpace#guestPciId(PciId, MdevType)}). */
    public PciId guestPciId(MdevType type) {
        return GuestConfigSpace.guestPciId(pciId, type);
    }

    /** A fresh emulated config space for one instance of {@code type} on this GPU. */
    public GuestConfigSpace guestConfigSpace(MdevType type) {
        return GuestConfigSpace.of(pciId, classCode, revision, type);
    }

    @Override
    public String toString() {
        return id + ": " + name + " " + pciId + " rev " + String.format("%02x", revision) + ", framebuffer " + framebuffer.toMiB()
                + " MiB, BAR0 " + bar0 + ", BAR1 " + bar1 + ", BAR3 " + bar3;
    }
}
