package io.mdevgpu;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

/**
 * Which GPUs a configuration entry applies to. Every field that is set must match; a filter with no field
 * set ({@link #ANY}) matches every GPU. Immutable; each setter-named method returns a copy:
 * {@code GpuFilter.ANY.bus(0x65).slot(0)}.
 */
public final class GpuFilter {
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

    public GpuFilter domain(int v) { return with(DOMAIN, v); }
    public GpuFilter bus(int v) { return with(BUS, v); }
    public GpuFilter slot(int v) { return with(SLOT, v); }
    public GpuFilter function(int v) { return with(FUNCTION, v); }
    public GpuFilter vendor(int v) { return with(VENDOR, v); }
    public GpuFilter device(int v) { return with(DEVICE, v); }
    public GpuFilter subsystemVendor(int v) { return with(SUBSYSTEM_VENDOR, v); }
    public GpuFilter subsystemDevice(int v) { return with(SUBSYSTEM_DEVICE, v); }
    /** The NVIDIA RM gpu id, {@code (domain & 0xFFFF) << 16 | bus << 8 | slot}: see {@link PciAddress#rmGpuId()}. */
    public GpuFilter rmGpuId(long v) { return with(RM_GPU_ID, v); }

    /** A filter that matches exactly the function at {@code address}. */
    public static GpuFilter at(PciAddress address) {
        return ANY.domain(address.domain()).bus(address.bus()).slot(address.slot()).function(address.function());
    }

    public OptionalInt domain() { return get(DOMAIN); }
    public OptionalInt bus() { return get(BUS); }
    public OptionalInt slot() { return get(SLOT); }
    public OptionalInt function() { return get(FUNCTION); }
    public OptionalInt vendor() { return get(VENDOR); }
    public OptionalInt device() { return get(DEVICE); }
    public OptionalInt subsystemVendor() { return get(SUBSYSTEM_VENDOR); }
    public OptionalInt subsystemDevice() { return get(SUBSYSTEM_DEVICE); }
    public OptionalInt rmGpuId() { return get(RM_GPU_ID); }

    private OptionalInt get(int field) {
        return set[field] ? OptionalInt.of((int) values[field]) : OptionalInt.empty();
    }

    public boolean matchesEverything() {
        for (boolean s : set) if (s) return false;
        return true;
    }

    /** Whether a GPU at {@code address} with identity {@code id} passes every field that is set. */
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
