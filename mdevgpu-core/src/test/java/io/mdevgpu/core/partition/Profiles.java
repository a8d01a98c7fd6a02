package io.mdevgpu.core.partition;

import io.mdevgpu.Display;
import io.mdevgpu.MdevType;
import io.mdevgpu.MdevTypeBuilder;
import io.mdevgpu.PciId;
import io.mdevgpu.Size;

import java.util.List;

/** The predecessor's shipped profiles, typed in from its profiles table (Mdev-GPU, commit 48649a0). */
final class Profiles {
    private Profiles() {
    }

    private static final Display AMPERE_DISPLAY = Display.heads(4).maxResolution(1920, 1080).frameRateLimiter(true);
    private static final Display TURING_DISPLAY = Display.heads(4).maxResolution(3840, 2160).frameRateLimiter(true);

    /** Open_vAmpere: 529..532, 1/1, 1/2, 1/4, 1/8 of a 40 GiB A100. */
    static final List<MdevType> AMPERE = List.of(
            ampere(529, "Open vAmpere", 1, 38336, 2624, 0x800, 0x20B01479L).multiVgpu(true).build(),
            ampere(530, "Open vAmpere/2", 2, 19136, 1344, 0x400, 0x20B01471L).build(),
            ampere(531, "Open vAmpere/4", 4, 9536, 704, 0x400, 0x20B01470L).build(),
            ampere(532, "Open vAmpere/8", 8, 4736, 384, 0x400, 0x20B0146FL).build());

    /** Open_vTuring: 1..3, ten 896 MiB instances, guest id 0x1E3012BA (Quadro RTX 6000). */
    static final List<MdevType> TURING = List.of(
            turing(1, "GVM [Geforce /10]", "Geforce"),
            turing(2, "GVM [NVS /10]", "NVS"),
            turing(3, "GVM [Quadro /10]", "Quadro"));

    private static MdevTypeBuilder ampere(int number, String name, int instances, long fb, long reserved, long bar1, long guest) {
        return MdevTypeBuilder.number(number).name(name).gpuClass("Compute").maxInstances(instances)
                .framebuffer(Size.mib(fb)).reserved(Size.mib(reserved)).bar1(Size.mib(bar1)).mappableVideo(Size.mib(4))
                .guestPciId(PciId.fromNvidiaPacked(guest)).ecc(true).display(AMPERE_DISPLAY);
    }

    private static MdevType turing(int number, String name, String gpuClass) {
        return MdevTypeBuilder.number(number).name(name).gpuClass(gpuClass).maxInstances(10)
                .framebuffer(Size.mib(896)).reserved(Size.mib(128)).bar1(Size.mib(0x100)).mappableVideo(Size.mib(4))
                .guestPciId(PciId.fromNvidiaPacked(0x1E3012BAL)).ecc(true).display(TURING_DISPLAY).build();
    }

    /** A small type: {@code framebuffer} MiB, no reservation, 1 MiB BAR1. */
    static MdevType small(int number, int instances, long framebufferMiB) {
        return MdevTypeBuilder.number(number).maxInstances(instances).framebuffer(Size.mib(framebufferMiB))
                .reserved(Size.ZERO).bar1(Size.mib(1)).build();
    }
}
