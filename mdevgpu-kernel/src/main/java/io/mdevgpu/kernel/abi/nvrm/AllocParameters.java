package io.mdevgpu.kernel.abi.nvrm;

import java.lang.foreign.GroupLayout;
import java.lang.foreign.MemorySegment;

/**
 * {@code NVOS21_PARAMETERS}, the argument of {@code NV_ESC_RM_ALLOC}, field by field in one family's layout. The
 * struct gained {@code paramsSize} in 535, which moved {@code status} from offset 24 to 28: the predecessor read the
 * wrong field there and never saw a failed allocation. Allocation-free.
 */
public final class AllocParameters {
    private final GroupLayout layout;
    // the pointer too is a 64-bit slot: an AddressLayout var handle spins three method handles at its first use
    private final Slot hRoot, hObjectParent, hObjectNew, hClass, pAllocParms, paramsSize, status;

    AllocParameters(GroupLayout nvos21) {
        this.layout = nvos21;
        hRoot = Slot.of(nvos21, "hRoot");
        hObjectParent = Slot.of(nvos21, "hObjectParent");
        hObjectNew = Slot.of(nvos21, "hObjectNew");
        hClass = Slot.of(nvos21, "hClass");
        paramsSize = Slot.optional(nvos21, "paramsSize");
        status = Slot.of(nvos21, "status");
        pAllocParms = Slot.of(nvos21, "pAllocParms");
    }

    public GroupLayout layout() {
        return layout;
    }

    /** From 535: the struct says how large the alloc params are. */
    public boolean hasParamsSize() {
        return paramsSize.present();
    }

    /**
     * Fills {@code nvos21} for allocating {@code hNew} of class {@code hClass} under {@code hParent}; {@code params}
     * is the class's params struct or {@link MemorySegment#NULL}. Status is cleared.
     */
    public void encode(MemorySegment nvos21, int hRoot, int hParent, int hNew, int hClass, MemorySegment params) {
        this.hRoot.put(nvos21, 0, hRoot);
        hObjectParent.put(nvos21, 0, hParent);
        hObjectNew.put(nvos21, 0, hNew);
        this.hClass.put(nvos21, 0, hClass);
        pAllocParms.put(nvos21, 0, params.address());
        paramsSize.put(nvos21, 0, params.byteSize());
        status.put(nvos21, 0, 0);
    }

    public int hRoot(MemorySegment nvos21) {
        return (int) hRoot.get(nvos21, 0);
    }

    public int hObjectParent(MemorySegment nvos21) {
        return (int) hObjectParent.get(nvos21, 0);
    }

    /** The new object's handle; for a root client the driver writes the handle it chose. */
    public int hObjectNew(MemorySegment nvos21) {
        return (int) hObjectNew.get(nvos21, 0);
    }

    public void hObjectNew(MemorySegment nvos21, int handle) {
        hObjectNew.put(nvos21, 0, handle);
    }

    public int hClass(MemorySegment nvos21) {
        return (int) hClass.get(nvos21, 0);
    }

    /** The params pointer as a zero-length segment (reinterpret it to read the params). */
    public MemorySegment pAllocParms(MemorySegment nvos21) {
        return MemorySegment.ofAddress(pAllocParms.get(nvos21, 0));
    }

    /** The declared params size, or -1 before 535 (where the driver infers it from the class). */
    public long paramsSize(MemorySegment nvos21) {
        return paramsSize.present() ? paramsSize.get(nvos21, 0) : -1;
    }

    public int status(MemorySegment nvos21) {
        return (int) status.get(nvos21, 0);
    }

    public void status(MemorySegment nvos21, int value) {
        status.put(nvos21, 0, value);
    }
}
