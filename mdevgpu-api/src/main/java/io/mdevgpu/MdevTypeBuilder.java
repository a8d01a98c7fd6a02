package io.mdevgpu;

import java.util.Optional;

/**
 * Builds an {@link MdevType}. Setters are named after the properties; {@link #build()} validates and returns
 * an immutable type. Defaults are the predecessor's: name "Arc GPU", class "Compute", mappable video 24 MiB,
 * BAR1 256 MiB, encoder 100%, ECC and multi-vGPU off, {@link Display#DEFAULT}. Number, max instances,
 * framebuffer and reserved are required. Setters check nothing; {@link #build()} checks everything, as the
 * {@link MdevType} constructor does. Not thread-safe: one builder belongs to one thread.
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

    /**
     * A builder for type {@code nvidia-<number>}.
     *
     * @param number the type number, 1..2^31-1 (checked by {@link #build()})
     * @return a new builder with the defaults
     */
    public static MdevTypeBuilder number(int number) {
        return new MdevTypeBuilder().setNumber(number);
    }

    private MdevTypeBuilder setNumber(int number) {
        this.number = number;
        return this;
    }

    /**
     * Sets the sysfs {@code name}.
     *
     * @param name printable, at most {@link DriverLimits#maxStringBytes()} bytes of UTF-8; default "Arc GPU"
     * @return this builder
     */
    public MdevTypeBuilder name(String name) { this.name = name; return this; }

    /**
     * Sets the class the guest driver is told ({@code "Compute"}, {@code "Quadro"}...).
     *
     * @param gpuClass printable, at most {@link DriverLimits#maxStringBytes()} bytes of UTF-8; default "Compute"
     * @return this builder
     */
    public MdevTypeBuilder gpuClass(String gpuClass) { this.gpuClass = gpuClass; return this; }

    /**
     * Sets how many instances of the type a GPU advertises (required).
     *
     * @param maxInstances 1 to the newest driver's {@link DriverLimits#maxInstancesPerGpu()}
     * @return this builder
     */
    public MdevTypeBuilder maxInstances(int maxInstances) { this.maxInstances = maxInstances; return this; }

    /**
     * Sets the framebuffer the guest gets (required).
     *
     * @param framebuffer positive, whole MiB, e.g. {@code Size.mib(9536)}
     * @return this builder
     */
    public MdevTypeBuilder framebuffer(Size framebuffer) { this.framebuffer = framebuffer; return this; }

    /**
     * Sets the framebuffer the host reserves for each instance (required).
     *
     * @param reserved whole MiB, may be 0, e.g. {@code Size.mib(704)}
     * @return this builder
     */
    public MdevTypeBuilder reserved(Size reserved) { this.reserved = reserved; return this; }

    /**
     * Sets the mappable video size.
     *
     * @param mappableVideo whole MiB; default 24 MiB
     * @return this builder
     */
    public MdevTypeBuilder mappableVideo(Size mappableVideo) { this.mappableVideo = mappableVideo; return this; }

    /**
     * Sets the length of the guest's BAR1 (framebuffer aperture).
     *
     * @param bar1 positive, whole MiB; default 256 MiB
     * @return this builder
     */
    public MdevTypeBuilder bar1(Size bar1) { this.bar1 = bar1; return this; }

    /**
     * Sets the PCI identity the guest sees.
     *
     * @param id the identity, e.g. {@code PciId.fromNvidiaPacked(0x20B01479)}; null (the default) for the physical
     *           GPU's device and subsystem
     * @return this builder
     */
    public MdevTypeBuilder guestPciId(PciId id) { this.guestPciId = Optional.ofNullable(id); return this; }

    /**
     * Sets the identity reported to the host (its device id is the driver's {@code pdevId}).
     *
     * @param id the identity; null (the default) for the physical GPU's
     * @return this builder
     */
    public MdevTypeBuilder hostPciId(PciId id) { this.hostPciId = Optional.ofNullable(id); return this; }

    /**
     * Sets whether the type reports ECC as supported.
     *
     * @param ecc true for ECC; default false
     * @return this builder
     */
    public MdevTypeBuilder ecc(boolean ecc) { this.ecc = ecc; return this; }

    /**
     * Sets whether one VM may have several vGPUs of this type.
     *
     * @param multiVgpu true to allow several; default false
     * @return this builder
     */
    public MdevTypeBuilder multiVgpu(boolean multiVgpu) { this.multiVgpu = multiVgpu; return this; }

    /**
     * Sets the type's share of the NVENC capacity.
     *
     * @param percent 0..100; default 100
     * @return this builder
     */
    public MdevTypeBuilder encoderCapacity(int percent) { this.encoderCapacity = percent; return this; }

    /**
     * Sets the virtual display: heads, largest resolution, frame-rate limit.
     *
     * @param display the display; default {@link Display#DEFAULT}
     * @return this builder
     */
    public MdevTypeBuilder display(Display display) { this.display = display; return this; }

    /**
     * Validates every property and returns the immutable type. The builder stays usable: later calls change only
     * later types.
     *
     * @return the type
     * @throws ValidationException naming the first property that is missing or out of range
     */
    public MdevType build() {
        if (maxInstances == 0) throw new ValidationException("max_instances", null, "required: instances of this type per GPU, 1.." + DriverLimits.NEWEST.maxInstancesPerGpu());
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
