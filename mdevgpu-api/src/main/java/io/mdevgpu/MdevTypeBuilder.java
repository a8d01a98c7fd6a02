package io.mdevgpu;

import java.util.Optional;

/**
 * Builds an {@link MdevType}. Setters are named after the properties; {@link #build()} validates and returns
 * an immutable type. Defaults are the predecessor's: name "Arc GPU", class "Compute", mappable video 24 MiB,
 * BAR1 256 MiB, encoder 100%, ECC and multi-vGPU off, {@link Display#DEFAULT}. Number, max instances,
 * framebuffer and reserved are required.
 */
public final class MdevTypeBuilder {
    private int number;
    private String name = MdevType.DEFAULT_NAME;
    private String gpuClass = MdevType.DEFAULT_CLASS;
    private int maxInstances;
    private Size framebuffer;
    private Size reserved;
    private Size mappableVideo = MdevType.DEFAULT_MAPPABLE_VIDEO;
    private Size bar1 = MdevType.DEFAULT_BAR1;
    private Optional<PciId> guestPciId = Optional.empty();
    private Optional<PciId> hostPciId = Optional.empty();
    private boolean ecc;
    private boolean multiVgpu;
    private int encoderCapacity = MdevType.DEFAULT_ENCODER_CAPACITY;
    private Display display = Display.DEFAULT;

    private MdevTypeBuilder() {
    }

    MdevTypeBuilder(MdevType t) {
        number = t.number();
        name = t.name();
        gpuClass = t.gpuClass();
        maxInstances = t.maxInstances();
        framebuffer = t.framebuffer();
        reserved = t.reserved();
        mappableVideo = t.mappableVideo();
        bar1 = t.bar1();
        guestPciId = t.guestPciId();
        hostPciId = t.hostPciId();
        ecc = t.ecc();
        multiVgpu = t.multiVgpu();
        encoderCapacity = t.encoderCapacity();
        display = t.display();
    }

    /** A builder for type {@code nvidia-<number>}. */
    public static MdevTypeBuilder number(int number) {
        return new MdevTypeBuilder().setNumber(number);
    }

    private MdevTypeBuilder setNumber(int number) {
        this.number = number;
        return this;
    }

    public MdevTypeBuilder name(String name) { this.name = name; return this; }
    public MdevTypeBuilder gpuClass(String gpuClass) { this.gpuClass = gpuClass; return this; }
    public MdevTypeBuilder maxInstances(int maxInstances) { this.maxInstances = maxInstances; return this; }
    public MdevTypeBuilder framebuffer(Size framebuffer) { this.framebuffer = framebuffer; return this; }
    public MdevTypeBuilder reserved(Size reserved) { this.reserved = reserved; return this; }
    public MdevTypeBuilder mappableVideo(Size mappableVideo) { this.mappableVideo = mappableVideo; return this; }
    public MdevTypeBuilder bar1(Size bar1) { this.bar1 = bar1; return this; }
    public MdevTypeBuilder guestPciId(PciId id) { this.guestPciId = Optional.ofNullable(id); return this; }
    public MdevTypeBuilder hostPciId(PciId id) { this.hostPciId = Optional.ofNullable(id); return this; }
    public MdevTypeBuilder ecc(boolean ecc) { this.ecc = ecc; return this; }
    public MdevTypeBuilder multiVgpu(boolean multiVgpu) { this.multiVgpu = multiVgpu; return this; }
    public MdevTypeBuilder encoderCapacity(int percent) { this.encoderCapacity = percent; return this; }
    public MdevTypeBuilder display(Display display) { this.display = display; return this; }

    /**
     * Validates every property and returns the immutable type.
     *
     * @throws ValidationException naming the first property that is missing or out of range
     */
    public MdevType build() {
        if (maxInstances == 0) throw new ValidationException("max_instances", null, "required: instances of this type per GPU, 1..48");
        if (framebuffer == null) throw new ValidationException("framebuffer", null, "required: the guest's framebuffer, e.g. Size.mib(9536)");
        if (reserved == null) throw new ValidationException("reserved", null, "required: the host's reservation per instance, e.g. Size.mib(704)");
        return new MdevType(number, name, gpuClass, maxInstances, framebuffer, reserved, mappableVideo, bar1,
                guestPciId, hostPciId, ecc, multiVgpu, encoderCapacity, display);
    }

    @Override
    public String toString() {
        return "MdevTypeBuilder[nvidia-" + number + " \"" + name + "\", " + maxInstances + " x " + framebuffer + "]";
    }
}
