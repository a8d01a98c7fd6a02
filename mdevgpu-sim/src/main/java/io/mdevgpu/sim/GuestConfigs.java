package io.mdevgpu.sim;

import io.mdevgpu.MdevType;
import io.mdevgpu.ValidationException;
import io.mdevgpu.core.pci.GuestConfigSpace;
import io.mdevgpu.core.pci.PciConfigSpace;
import io.mdevgpu.kernel.pci.PciDevice;

/**
 * The core's guest config space handed to the simulated kernel, which builds one for each instance it creates: the
 * space {@link GuestConfigSpace} computes and emulates for the type on the physical GPU (its class, revision and
 * link parsed from the GPU's own config space), so that a simulated guest sees what a real one would.
 */
final class GuestConfigs implements GuestConfigFactory {
    static final GuestConfigs INSTANCE = new GuestConfigs();

    private GuestConfigs() {
    }

    @Override
    public ConfigSpaceEmulator create(PciDevice physical, MdevType type) {
        GuestConfigSpace space;
        try {
            space = GuestConfigSpace.of(PciConfigSpace.parse(physical.config(), physical.resources()), type);
        } catch (ValidationException e) {
            // a GPU whose config space did not read whole: its identity alone (link PCIe 3.0 x16)
            space = GuestConfigSpace.of(physical.id(), physical.classCode(), physical.revision(), type);
        }
        return new Emulator(space);
    }

    /** The adapter: the same three calls. */
    private record Emulator(GuestConfigSpace space) implements ConfigSpaceEmulator {
        @Override
        public int size() {
            return space.size();
        }

        @Override
        public int read(int offset, int width) {
            return space.read(offset, width);
        }

        @Override
        public void write(int offset, int width, int value) {
            space.write(offset, width, value);
        }
    }
}
