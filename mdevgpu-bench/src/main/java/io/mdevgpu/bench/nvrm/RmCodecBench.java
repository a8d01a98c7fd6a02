package io.mdevgpu.bench.nvrm;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import io.mdevgpu.Display;
import io.mdevgpu.MdevType;
import io.mdevgpu.MdevTypeBuilder;
import io.mdevgpu.PciId;
import io.mdevgpu.Size;
import io.mdevgpu.bench.NativeBench;
import io.mdevgpu.kernel.abi.nvrm.AllocParameters;
import io.mdevgpu.kernel.abi.nvrm.NvClass;
import io.mdevgpu.kernel.abi.nvrm.NvrmAbi;
import io.mdevgpu.kernel.abi.nvrm.VgpuTypeCodec;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

/**
 * RM control marshalling in each driver release family's own layout ({@code family}: the {@link NvrmAbi} values
 * that have a vGPU type codec):
 *
 * <ul>
 * <li>{@code encodeConfigInfo}: a vGPU type into {@code NVA081_CTRL_VGPU_CONFIG_INFO_PARAMS}, the argument of
 *     {@code VGPU_CONFIG_SET_INFO} ({@link VgpuTypeCodec#encodeConfigInfo}: size check, limit check, zeroing, every
 *     field by name, names NUL-terminated within their buffers).
 * <li>{@code decodeConfigInfo}: those params back into an {@link MdevType}, as the simulated driver reads them and
 *     as the client reads a {@code GET_VGPU_TYPE_INFO} reply ({@link VgpuTypeCodec#decodeConfigInfo}).
 * <li>{@code allocEncode}: {@code NVOS21_PARAMETERS} for a subdevice allocation and its status read back
 *     ({@link AllocParameters#encode}, {@link AllocParameters#status}), the client's every {@code NV_ESC_RM_ALLOC}.
 * </ul>
 * All write into segments preallocated in setup, as the client's per-GPU buffers are.
 */
public class RmCodecBench extends NativeBench {
    /** Every family with a vGPU codec (R515's headers have none); RmCodecBenchTest keeps this list in step. */
    @Param({"R510", "R525", "R535", "R550", "R555", "R570", "R575", "R580", "R590", "R595"})
    public String family;

    /** The DESIGN example's quarter A100, with its own guest identity. */
    static final MdevType TYPE = MdevTypeBuilder.number(531).name("Open vAmpere/4").gpuClass("Compute")
            .framebuffer(Size.mib(9536)).reserved(Size.mib(704)).maxInstances(4).bar1(Size.mib(256))
            .guestPciId(PciId.of(PciId.NVIDIA, 0x20b0, PciId.NVIDIA, 0x1470))
            .display(Display.heads(4).maxResolution(1920, 1080)).build();
    /** The physical GPU: an A100 SXM4 40GB. */
    static final PciId PHYSICAL = PciId.of(PciId.NVIDIA, 0x20b0, PciId.NVIDIA, 0x134f);

    private Arena arena;
    private VgpuTypeCodec codec;
    private AllocParameters alloc;
    MemorySegment setInfo, encoded, nvos21, subdeviceParams; // package-private: the test reads them

    @Setup(Level.Trial)
    public void open() {
        NvrmAbi abi = NvrmAbi.valueOf(family);
        codec = abi.vgpuTypes().orElseThrow(() -> new IllegalArgumentException(family + " has no vGPU type codec"));
        alloc = abi.alloc();
        arena = Arena.ofShared();
        setInfo = arena.allocate(codec.configInfoLayout());
        encoded = arena.allocate(codec.configInfoLayout());
        codec.encodeConfigInfo(encoded, TYPE, PHYSICAL, true);
        nvos21 = arena.allocate(alloc.layout());
        subdeviceParams = arena.allocate(abi.struct(NvrmAbi.SUBDEVICE_ALLOC));
    }

    @TearDown(Level.Trial)
    public void close() {
        arena.close();
    }

    @Benchmark
    public void encodeConfigInfo_mdevgpu() {
        codec.encodeConfigInfo(setInfo, TYPE, PHYSICAL, true);
    }

    @Benchmark
    public MdevType decodeConfigInfo_mdevgpu() {
        return codec.decodeConfigInfo(encoded);
    }

    @Benchmark
    public int allocEncode_mdevgpu() {
        alloc.encode(nvos21, 0xc1d00001, 0x5c000001, 0x5c000002, NvClass.NV20_SUBDEVICE_0, subdeviceParams);
        return alloc.status(nvos21);
    }
}
