package io.mdevgpu.sim;

import java.util.List;
import java.util.Optional;
import java.util.function.LongUnaryOperator;

import io.mdevgpu.kernel.vfio.VfioRegionInfo;
import io.mdevgpu.sim.SimVfioKernel.Region;

/**
 * What a {@link SimVfioKernel.Region} holds and does: what {@code GET_REGION_INFO} reports and what backs its
 * data, with the builder methods a test configures it by. Package-private: the public type
 * is the nested one, which has only its constructor.
 */
abstract sealed class AbstractVfioRegion permits SimVfioKernel.Region {
    final int index;
    int flags;
    final long size;
    final long offset;
    List<VfioRegionInfo.Area> sparse; // null: no sparse capability
    VfioRegionInfo.Type type;
    LongUnaryOperator argszReply;
    final ConfigSpaceEmulator emulator;

    AbstractVfioRegion(int index, int flags, long size, long offset, ConfigSpaceEmulator emulator) {
        this.index = index;
        this.flags = flags;
        this.size = size;
        this.offset = offset;
        this.emulator = emulator;
    }

    public int index() { return index; }
    public int flags() { return flags; }
    public long size() { return size; }
    public long offset() { return offset; }
    public Optional<ConfigSpaceEmulator> emulator() { return Optional.ofNullable(emulator); }

    public Region flags(int flags) {
        this.flags = flags;
        return self();
    }

    /** Adds a sparse-mmap capability listing {@code areas} (the mappable parts of the region). */
    public Region sparse(List<VfioRegionInfo.Area> areas) {
        this.sparse = List.copyOf(areas);
        return self();
    }

    /** Adds a region-type capability. */
    public Region type(VfioRegionInfo.Type type) {
        this.type = type;
        return self();
    }

    /** Makes {@code GET_REGION_INFO} answer with {@code argsz} = f(given argsz): a misbehaving driver, for tests. */
    public Region argszReply(LongUnaryOperator reply) {
        this.argszReply = reply;
        return self();
    }

    boolean contains(long at) {
        return at >= offset && at - offset < Math.max(size, emulator != null ? emulator.size() : 0);
    }

    @Override
    public String toString() {
        return "region " + index + " size 0x" + Long.toHexString(size) + " at 0x" + Long.toHexString(offset)
                + (emulator != null ? " (emulated)" : "");
    }

    /** This, as the public type it is (the only subclass). */
    private Region self() {
        return (Region) this;
    }
}
