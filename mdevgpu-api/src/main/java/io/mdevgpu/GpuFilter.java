package io.mdevgpu;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

/**
 * Which GPUs a configuration entry applies to. Every field that is set must match; a filter with no field
 * set ({@link #ANY}) matches every GPU. Immutable; each setter-named method returns a copy:
 * {@code GpuFilter.ANY.bus(0x65).slot(0)}. A configuration file sets one with its {@code [gpu.filter]} table, whose
 * keys are the fields' names in snake case ({@code bus}, {@code subsystem_device}, {@code rm_gpu_id}). Each setter
 * throws {@link ValidationException} naming the field and its range when the value is out of it; setting a field
 * again replaces its value.
 */
public final class GpuFilter {
    /** The filter with no field set: it matches every GPU (a {@code [[gpu]]} entry without {@code filter}). */
    public static final GpuFilter ANY = new GpuFilter(new long[9], new boolean[9]);

    private static final int DOMAIN = 0, BUS = 1, SLOT = 2, FUNCTION = 3, VENDOR = 4, DEVICE = 5,
            SUBSYSTEM_VENDOR = 6, SUBSYSTEM_DEVICE = 7, RM_GPU_ID = 8, FIELDS = 9;
    private static final String[] NAMES = {"domain", "bus", "slot", "function", "vendor", "device",
            "subsystem_vendor", "subsystem_device", "rm_gpu_id"};
    private static final long[] MAX = {0xFFFF, 0xFF, 0x1F, 7, 0xFFFF, 0xFFFF, 0xFFFF, 0xFFFF, 0xFFFF_FFFFL};
    // values[i] is meaningful only where set[i]; kept as two arrays so that 0 is a legal filter value
    private final long[] values;
    private final boolean[] set;

    private GpuFilter(long[] values, boolean[] set) {
        this.values = values;
        this.set = set;
    }

    private GpuFilter with(int field, long value) {
        if (value < 0 || value > MAX[field]) {
            throw new ValidationException("gpu filter " + NAMES[field], "0x" + Long.toHexString(value),
                    "allowed: 0..0x" + Long.toHexString(MAX[field]));
        }
        long[] v = values.clone();
        boolean[] s = set.clone();
        v[field] = value;
        s[field] = true;
        return new GpuFilter(v, s);
    }

    /**
     * {@return a copy that also requires the PCI domain {@code v}}
     *
     * @param v the domain, 0 to 0xFFFF
     */
    public GpuFilter domain(int v) { return with(DOMAIN, v); }

    /**
     * {@return a copy that also requires the PCI bus {@code v}}
     *
     * @param v the bus, 0 to 0xFF
     */
    public GpuFilter bus(int v) { return with(BUS, v); }

    /**
     * {@return a copy that also requires the PCI slot (device number) {@code v}}
     *
     * @param v the slot, 0 to 0x1F
     */
    public GpuFilter slot(int v) { return with(SLOT, v); }

    /**
     * {@return a copy that also requires the PCI function {@code v}}
     *
     * @param v the function, 0 to 7
     */
    public GpuFilter function(int v) { return with(FUNCTION, v); }

    /**
     * {@return a copy that also requires the PCI vendor id {@code v} (sysfs {@code vendor})}
     *
     * @param v the vendor id, 0 to 0xFFFF ({@link PciId#NVIDIA} for NVIDIA)
     */
    public GpuFilter vendor(int v) { return with(VENDOR, v); }

    /**
     * {@return a copy that also requires the PCI device id {@code v} (sysfs {@code device}), e.g. 0x20b0}
     *
     * @param v the device id, 0 to 0xFFFF
     */
    public GpuFilter device(int v) { return with(DEVICE, v); }

    /**
     * {@return a copy that also requires the subsystem vendor id {@code v} (sysfs {@code subsystem_vendor})}
     *
     * @param v the subsystem vendor id, 0 to 0xFFFF
     */
    public GpuFilter subsystemVendor(int v) { return with(SUBSYSTEM_VENDOR, v); }

    /**
     * {@return a copy that also requires the subsystem device id {@code v} (sysfs {@code subsystem_device})}
     *
     * @param v the subsystem device id, 0 to 0xFFFF
     */
    public GpuFilter subsystemDevice(int v) { return with(SUBSYSTEM_DEVICE, v); }

    /**
     * {@return a copy that also requires the NVIDIA RM gpu id {@code v}}
     *
     * @param v the RM gpu id, {@code (domain & 0xFFFF) << 16 | bus << 8 | slot} (see {@link PciAddress#rmGpuId()}),
     *          0 to 0xFFFFFFFF
     */
    public GpuFilter rmGpuId(long v) { return with(RM_GPU_ID, v); }

    /**
     * {@return a filter that matches exactly the function at {@code address}} It sets the domain, bus, slot and
     * function.
     *
     * @param address the GPU's address
     */
    public static GpuFilter at(PciAddress address) {
        return ANY.domain(address.domain()).bus(address.bus()).slot(address.slot()).function(address.function());
    }

    /** {@return the PCI domain required, or empty when any matches} */
    public OptionalInt domain() { return get(DOMAIN); }

    /** {@return the PCI bus required, or empty when any matches} */
    public OptionalInt bus() { return get(BUS); }

    /** {@return the PCI slot required, or empty when any matches} */
    public OptionalInt slot() { return get(SLOT); }

    /** {@return the PCI function required, or empty when any matches} */
    public OptionalInt function() { return get(FUNCTION); }

    /** {@return the PCI vendor id required, or empty when any matches} */
    public OptionalInt vendor() { return get(VENDOR); }

    /** {@return the PCI device id required, or empty when any matches} */
    public OptionalInt device() { return get(DEVICE); }

    /** {@return the subsystem vendor id required, or empty when any matches} */
    public OptionalInt subsystemVendor() { return get(SUBSYSTEM_VENDOR); }

    /** {@return the subsystem device id required, or empty when any matches} */
    public OptionalInt subsystemDevice() { return get(SUBSYSTEM_DEVICE); }

    /**
     * {@return the NVIDIA RM gpu id required, or empty when any matches} An id above 0x7FFFFFFF reads negative here
     * ({@link Integer#toUnsignedLong(int)} gives it back), as {@link PciAddress#rmGpuId()} does.
     */
    public OptionalInt rmGpuId() { return get(RM_GPU_ID); }

    private OptionalInt get(int field) {
        return set[field] ? OptionalInt.of((int) values[field]) : OptionalInt.empty();
    }

    /** {@return whether no field is set, so that every GPU matches (this filter equals {@link #ANY})} */
    public boolean matchesEverything() {
        for (boolean s : set) if (s) return false;
        return true;
    }

    /**
     * {@return whether a GPU at {@code address} with identity {@code id} passes every field that is set}
     *
     * @param address the GPU's PCI address
     * @param id      the GPU's vendor, device and subsystem ids
     */
    public boolean matches(PciAddress address, PciId id) {
        long[] actual = {address.domain(), address.bus(), address.slot(), address.function(), id.vendor(),
                id.device(), id.subsystemVendor(), id.subsystemDevice(), address.rmGpuId() & 0xFFFF_FFFFL};
        for (int i = 0; i < FIELDS; i++) {
            if (set[i] && values[i] != actual[i]) return false;
        }
        return true;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GpuFilter f && java.util.Arrays.equals(values, f.values) && java.util.Arrays.equals(set, f.set);
    }

    @Override
    public int hashCode() {
        return java.util.Arrays.hashCode(values) * 31 + java.util.Arrays.hashCode(set);
    }

    @Override
    public String toString() {
        if (matchesEverything()) return "GpuFilter[every GPU]";
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < FIELDS; i++) {
            if (set[i]) parts.add(NAMES[i] + "=0x" + Long.toHexString(values[i]));
        }
        return "GpuFilter[" + String.join(", ", parts) + "]";
    }
}
