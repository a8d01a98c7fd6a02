package io.mdevgpu;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * How a GPU hosts vGPUs. NVIDIA's vGPU host driver offers one of two: the kernel's mdev bus (the GPU is an mdev
 * parent; a vGPU is an mdev instance), or, on SR-IOV GPUs with driver R550 or newer on Linux 6.8 or newer, its
 * vendor-specific VFIO framework (a vGPU is one of the GPU's SR-IOV virtual functions, given a type through the VF's
 * {@code nvidia/current_vgpu_type}). A GPU on neither is {@link None} with the reason. Either way a vGPU is created,
 * listed, opened and removed the same way ({@link ParentDevice#create}, {@link Vgpu}).
 */
public sealed interface VgpuBackend {

    /** {@return the backend's name as the CLI and JSON show it: {@code mdev}, {@code sriov} or {@code none}} */
    String kind();

    /** The GPU is (or becomes, once types are registered) a parent on the kernel's mdev bus. */
    record Mdev() implements VgpuBackend {
        @Override
        public String kind() {
            return "mdev";
        }

        @Override
        public String toString() {
            return "mdev parent";
        }
    }

    /**
     * NVIDIA's vendor-specific VFIO on the GPU's SR-IOV virtual functions: each enabled VF can hold one vGPU.
     *
     * @param totalVfs      {@code sriov_totalvfs}: how many VFs the GPU can have
     * @param vfs           the enabled VFs, in VF index order, each with the vGPU it holds
     * @param heterogeneous the driver's heterogeneous mode (several sizes on one GPU), empty where it cannot be read
     */
    record SriovVfio(int totalVfs, List<VirtualFunction> vfs, Optional<Boolean> heterogeneous) implements VgpuBackend {
        /**
         * Copies {@code vfs}.
         *
         * @throws NullPointerException when {@code vfs}, one of them, or {@code heterogeneous} is null
         */
        public SriovVfio {
            vfs = List.copyOf(vfs);
            Objects.requireNonNull(heterogeneous, "heterogeneous");
        }

        @Override
        public String kind() {
            return "sriov";
        }

        /** {@return how many VFs are enabled ({@code sriov_numvfs}), 0..{@link #totalVfs()}} */
        public int enabled() {
            return vfs.size();
        }

        /** {@return how many enabled VFs hold a vGPU (a {@code current_vgpu_type} other than 0)} */
        public int assigned() {
            return (int) vfs.stream().filter(v -> !v.isFree()).count();
        }

        /** {@return how many enabled VFs are free for a vGPU} */
        public int free() {
            return enabled() - assigned();
        }

        /** {@code SR-IOV vendor VFIO: 32 VFs (32 of 32 enabled), 31 free, 1 assigned}. */
        @Override
        public String toString() {
            return "SR-IOV vendor VFIO: " + enabled() + " of " + totalVfs + " VFs enabled, " + free() + " free, "
                    + assigned() + " assigned" + heterogeneous.map(h -> h ? ", heterogeneous" : "").orElse("");
        }
    }

    /**
     * No vGPUs on this GPU: pass-through, bare metal, another vendor, or no NVIDIA driver.
     *
     * @param reason why, in words, e.g. {@code the driver runs it in NMOS (pass-through guest): nothing to manage}
     */
    record None(String reason) implements VgpuBackend {
        /**
         * Checks the reason is there.
         *
         * @throws NullPointerException when {@code reason} is null
         */
        public None {
            Objects.requireNonNull(reason, "reason");
        }

        @Override
        public String kind() {
            return "none";
        }

        @Override
        public String toString() {
            return "no vGPU backend: " + reason;
        }
    }
}
