package io.mdevgpu.core.partition;

import io.mdevgpu.PciId;
import io.mdevgpu.Size;
import io.mdevgpu.ValidationException;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A small catalogue of NVIDIA GPUs by short id, for planning without the hardware ({@code mdevgpu plan --gpu}).
 *
 * <p>Where the numbers come from. PCI ids: lspci output of real boards (T4 10de:1eb8 [10de:12a2], Quadro RTX
 * 6000 10de:1e30 [10de:12ba], A100 SXM4 40GB 10de:20b0 [10de:134f], A100 SXM4 80GB 10de:20b2 [10de:1463]) and
 * the fixture for the H100. BAR sizes: the T4's 16 MiB / 256 MiB / 32 MiB from its lspci, the H100's
 * 16 MiB / 128 GiB / 32 MiB from the fixture; the A100's 64 GiB (40GB) and 128 GiB (80GB) BAR1 as these
 * boards report it, and the RTX 6000's 256 MiB BAR1 (no resizable BAR), are assumptions not checked against a
 * board here. Framebuffer: what the vGPU manager can place instances in. For the A100 40GB that is all
 * 40960 MiB: NVIDIA's own whole-GPU type (the predecessor's "Open vAmpere", 38336 MiB + 2624 MiB reserved)
 * uses exactly that, although a bare-metal driver reports 40536 MiB on older releases. The A100 80GB,
 * T4 and RTX 6000 follow the same rule (80 GiB, 15360 MiB as the driver reports a T4, 24 GiB); this is an
 * assumption. The H100's 81559 MiB is what the 580 driver reports in the fixture.
 */
public final class GpuCatalogue {
    private GpuCatalogue() {
    }

    private static final int NV = PciId.NVIDIA;
    private static final int CLASS_3D = 0x030200;
    private static final int CLASS_VGA = 0x030000;

    /** NVIDIA A100 SXM4 40GB (GA100): 40960 MiB, BAR1 64 GiB. The predecessor's Ampere profile targets it. */
    public static final GpuModel A100_40G = new GpuModel("a100-40g", "NVIDIA A100-SXM4-40GB", PciId.of(NV, 0x20b0, NV, 0x134f),
            CLASS_3D, 0xa1, Size.mib(40960), Size.mib(16), Size.gib(64), Size.mib(32));
    /** NVIDIA A100 SXM4 80GB (GA100): 81920 MiB, BAR1 128 GiB. */
    public static final GpuModel A100_80G = new GpuModel("a100-80g", "NVIDIA A100-SXM4-80GB", PciId.of(NV, 0x20b2, NV, 0x1463),
            CLASS_3D, 0xa1, Size.mib(81920), Size.mib(16), Size.gib(128), Size.mib(32));
    /** NVIDIA Tesla T4 (TU104): 15360 MiB, BAR1 256 MiB. */
    public static final GpuModel T4 = new GpuModel("t4", "Tesla T4", PciId.of(NV, 0x1eb8, NV, 0x12a2),
            CLASS_3D, 0xa1, Size.mib(15360), Size.mib(16), Size.mib(256), Size.mib(32));
    /** NVIDIA H100 SXM5 80GB HBM3 (GH100): 81559 MiB, BAR1 128 GiB (the fixture in fixtures/h100-sxm5-80g). */
    public static final GpuModel H100_80G = new GpuModel("h100-80g", "NVIDIA H100 80GB HBM3", PciId.of(NV, 0x2330, NV, 0x16c1),
            CLASS_3D, 0xa1, Size.mib(81559), Size.mib(16), Size.gib(128), Size.mib(32));
    /** Quadro RTX 6000 (TU102), the identity the predecessor's Turing profile gives its guests (0x1E3012BA): 24576 MiB. */
    public static final GpuModel RTX6000 = new GpuModel("rtx6000", "Quadro RTX 6000", PciId.of(NV, 0x1e30, NV, 0x12ba),
            CLASS_VGA, 0xa1, Size.mib(24576), Size.mib(16), Size.mib(256), Size.mib(32));

    private static final List<GpuModel> ALL = List.of(A100_40G, A100_80G, T4, H100_80G, RTX6000);

    /** Every model, in a fixed order. */
    public static List<GpuModel> all() {
        return ALL;
    }

    /** The model with {@code id} (case-insensitive), if the catalogue has it. */
    public static Optional<GpuModel> find(String id) {
        if (id == null) {
            return Optional.empty();
        }
        String key = id.strip().toLowerCase(Locale.ROOT);
        for (GpuModel model : ALL) {
            if (model.id().equals(key)) {
                return Optional.of(model);
            }
        }
        return Optional.empty();
    }

    /**
     * The model with {@code id}.
     *
     * @throws ValidationException naming the known ids when there is none
     */
    public static GpuModel get(String id) {
        return find(id).orElseThrow(() -> new ValidationException("GPU model", id,
                "known models: " + String.join(", ", ALL.stream().map(GpuModel::id).toList())));
    }
}
