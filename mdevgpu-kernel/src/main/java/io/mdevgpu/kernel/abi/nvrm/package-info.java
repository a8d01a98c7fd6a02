/**
 * The NVIDIA Resource Manager ABI, per driver layout family, from one source: the layout tables of the repository's
 * {@code abi/nvidia-rm/}, which the build copies into this jar ({@link io.mdevgpu.kernel.abi.nvrm.NvrmTables}).
 *
 * <p>{@link io.mdevgpu.kernel.abi.nvrm.NvrmAbi} is the release registry: each family names its limits and the
 * releases whose tables define it, and lays its structs out from the table by C's rules on first use, checked against
 * the compiler's offsets; {@link io.mdevgpu.kernel.abi.nvrm.NvrmRelease} picks the family from the driver's version.
 * The structs that differ between families are read through their layouts and the codecs
 * ({@link io.mdevgpu.kernel.abi.nvrm.VgpuTypeCodec}, {@link io.mdevgpu.kernel.abi.nvrm.AllocParameters}). The
 * structs every family lays out alike and the code reads field by field ({@code NVOS54_PARAMETERS},
 * {@code nv_ioctl_card_info_t}...) have classes of jextract's shape: a {@code LAYOUT}, {@code sizeof()} and static
 * accessors over a {@code MemorySegment}, generated from the same tables by the tests' {@code NvrmBindingsGenerator}
 * and checked current in every build.
 */
package io.mdevgpu.kernel.abi.nvrm;
