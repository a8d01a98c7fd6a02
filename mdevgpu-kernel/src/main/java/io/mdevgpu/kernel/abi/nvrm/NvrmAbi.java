package io.mdevgpu.kernel.abi.nvrm;

import java.lang.foreign.GroupLayout;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

import io.mdevgpu.DriverLimits;
import io.mdevgpu.UnsupportedDriverException;

/**
 * The NVIDIA RM ABI of one layout family: releases whose every struct mdevgpu uses is laid out alike. Gives the
 * client the bytes' layout: the struct layouts by C name, the ioctl requests, the params each control and class
 * takes, and codecs for the structs that differ between families ({@link #alloc()}, {@link #vgpuTypes()}, probed ids,
 * virtualization mode). Choose one with {@link #forRelease(NvrmRelease)}.
 *
 * <p>This enum is the release registry: each constant names the family's limits and the releases whose layout
 * tables ({@link NvrmTables}, the repository's {@code abi/nvidia-rm/}) define it; the first release's table gives the
 * layouts, built on first use, and the majors of all of them choose the family. Adding a driver release is its table
 * plus a release here (a new constant where its layout differs from the newest family's; the tests prove the
 * families are exactly the releases that lay out alike).
 *
 * <p>The families, from the compiler's layouts of every release's headers: 515 (no vGPU config layout in its
 * headers); 525-530 ({@code NVOS64} gains {@code flags}, the 4968-byte vGPU type); 535-545 ({@code NVOS21} gains
 * {@code paramsSize}, status moves to 28); 550 (placement ids, 5104 bytes; the heterogeneous-mode controls, 1 byte);
 * 555-565 (the virtualization-mode params gain {@code isGridBuild}, 4 to 8 bytes); 570 (heterogeneous placements,
 * 5240); 575 ({@code maxInstancePerGI}, 100 types, {@code gpuInstanceId} in the type list and the heterogeneous-mode
 * params, 8 bytes); 580 (64-byte names, 48 placements,
 * 128 types, probed ids 384 bytes, 5432); 590 ({@code vgpuSsvid}, 5440); 595 ({@code nominalFbRegionSize}); and
 * 510, the predecessor's reverse-engineered layout (4544-byte SET_INFO params; 515's for the rest).
 */
public enum NvrmAbi {
    R510(DriverLimits.PRE_580, NvrmTables.PREDECESSOR_RELEASE),
    R515(DriverLimits.PRE_580, "515.43.04"),
    R525(DriverLimits.PRE_580, "525.53", "530.30.02"),
    R535(DriverLimits.PRE_580, "535.43.02", "545.23.06"),
    R550(DriverLimits.PRE_580, "550.54.14"),
    R555(DriverLimits.PRE_580, "555.42.02", "560.28.03", "565.57.01"),
    R570(DriverLimits.PRE_580, "570.86.15"),
    R575(new DriverLimits(100, 32, 32), "575.51.02"),
    R580(DriverLimits.NEWEST, "580.65.06"),
    R590(DriverLimits.NEWEST, "590.44.01", "590.48.01"),
    R595(DriverLimits.NEWEST, "595.45.04");

    public static final String VERSION = "nv_ioctl_rm_api_version_t";
    public static final String CARD_INFO = "nv_ioctl_card_info_t";
    public static final String NVOS00 = "NVOS00_PARAMETERS";
    public static final String NVOS21 = "NVOS21_PARAMETERS";
    public static final String NVOS54 = "NVOS54_PARAMETERS";
    public static final String NVOS64 = "NVOS64_PARAMETERS";
    public static final String REGISTER_FD = "nv_ioctl_register_fd_t";
    public static final String XFER = "nv_ioctl_xfer_t";
    public static final String ATTACHED_IDS = "NV0000_CTRL_GPU_GET_ATTACHED_IDS_PARAMS";
    public static final String ID_INFO = "NV0000_CTRL_GPU_GET_ID_INFO_PARAMS";
    public static final String ID_INFO_V2 = "NV0000_CTRL_GPU_GET_ID_INFO_V2_PARAMS";
    public static final String PROBED_IDS = "NV0000_CTRL_GPU_GET_PROBED_IDS_PARAMS";
    public static final String PCI_INFO = "NV0000_CTRL_GPU_GET_PCI_INFO_PARAMS";
    public static final String ATTACH_IDS = "NV0000_CTRL_GPU_ATTACH_IDS_PARAMS";
    public static final String DETACH_IDS = "NV0000_CTRL_GPU_DETACH_IDS_PARAMS";
    public static final String DEVICE_ALLOC = "NV0080_ALLOC_PARAMETERS";
    public static final String SUBDEVICE_ALLOC = "NV2080_ALLOC_PARAMETERS";
    public static final String BUS_PCI_INFO = "NV2080_CTRL_BUS_GET_PCI_INFO_PARAMS";
    public static final String VIRTUALIZATION_MODE = "NV0080_CTRL_GPU_GET_VIRTUALIZATION_MODE_PARAMS";
    public static final String GET_HETEROGENEOUS_MODE = "NV0080_CTRL_GPU_GET_VGPU_HETEROGENEOUS_MODE_PARAMS";
    public static final String SET_HETEROGENEOUS_MODE = "NV0080_CTRL_GPU_SET_VGPU_HETEROGENEOUS_MODE_PARAMS";
    public static final String VGPU_INFO = "NVA081_CTRL_VGPU_INFO";
    public static final String VGPU_CONFIG_INFO = "NVA081_CTRL_VGPU_CONFIG_INFO_PARAMS";
    public static final String VGPU_TYPE_INFO = "NVA081_CTRL_VGPU_CONFIG_GET_VGPU_TYPE_INFO_PARAMS";
    public static final String VGPU_TYPES = "NVA081_CTRL_VGPU_CONFIG_GET_VGPU_TYPES_PARAMS";

    /** Controls without params ({@code paramsSize} 0). */
    private static final String NO_PARAMS = "";

    private static final Map<Integer, String> CONTROL_PARAMS = Map.ofEntries(
            Map.entry(NvControl.NV0000_CTRL_CMD_GPU_GET_ATTACHED_IDS, ATTACHED_IDS),
            Map.entry(NvControl.NV0000_CTRL_CMD_GPU_GET_ID_INFO, ID_INFO),
            Map.entry(NvControl.NV0000_CTRL_CMD_GPU_GET_ID_INFO_V2, ID_INFO_V2),
            Map.entry(NvControl.NV0000_CTRL_CMD_GPU_GET_PROBED_IDS, PROBED_IDS),
            Map.entry(NvControl.NV0000_CTRL_CMD_GPU_ATTACH_IDS, ATTACH_IDS),
            Map.entry(NvControl.NV0000_CTRL_CMD_GPU_DETACH_IDS, DETACH_IDS),
            Map.entry(NvControl.NV0000_CTRL_CMD_GPU_GET_PCI_INFO, PCI_INFO),
            Map.entry(NvControl.NV0080_CTRL_CMD_GPU_GET_VIRTUALIZATION_MODE, VIRTUALIZATION_MODE),
            Map.entry(NvControl.NV0080_CTRL_CMD_GPU_GET_VGPU_HETEROGENEOUS_MODE, GET_HETEROGENEOUS_MODE),
            Map.entry(NvControl.NV0080_CTRL_CMD_GPU_SET_VGPU_HETEROGENEOUS_MODE, SET_HETEROGENEOUS_MODE),
            Map.entry(NvControl.NV2080_CTRL_CMD_BUS_GET_PCI_INFO, BUS_PCI_INFO),
            Map.entry(NvControl.NVA081_CTRL_CMD_VGPU_CONFIG_SET_INFO, VGPU_CONFIG_INFO),
            Map.entry(NvControl.NVA081_CTRL_CMD_VGPU_CONFIG_GET_VGPU_TYPE_INFO, VGPU_TYPE_INFO),
            Map.entry(NvControl.NVA081_CTRL_CMD_VGPU_CONFIG_GET_SUPPORTED_VGPU_TYPES, VGPU_TYPES),
            Map.entry(NvControl.NVA081_CTRL_CMD_VGPU_CONFIG_MDEV_REGISTER, NO_PARAMS));

    private final List<String> tables;
    private final List<Integer> majors;
    private final DriverLimits limits;
    private volatile FamilyLayouts layouts;

    NvrmAbi(DriverLimits limits, String... tables) {
        this.tables = List.of(tables);
        Set<Integer> majors = new LinkedHashSet<>();
        for (String release : tables) {
            majors.add(NvrmRelease.parse(release).major());
        }
        this.majors = List.copyOf(majors);
        this.limits = limits;
    }

    /** The family's layouts, read from its first release's table on first use. */
    private FamilyLayouts layouts() {
        FamilyLayouts l = layouts;
        if (l == null) {
            synchronized (this) {
                l = layouts;
                if (l == null) {
                    l = new FamilyLayouts(family(), limits, NvrmTables.bundled().load(tables.getFirst()));
                    layouts = l;
                }
            }
        }
        return l;
    }

    /**
     * The family of {@code release}, chosen by its major version.
     *
     * @throws UnsupportedDriverException for a release no family covers, naming the known ones
     */
    public static NvrmAbi forRelease(NvrmRelease release) {
        return forRelease(release, "NVIDIA driver");
    }

    /** As {@link #forRelease(NvrmRelease)}, naming {@code target} (where the version came from) in the error. */
    public static NvrmAbi forRelease(NvrmRelease release, String target) {
        for (NvrmAbi abi : values()) {
            if (abi.majors.contains(release.major())) return abi;
        }
        throw new UnsupportedDriverException(target, release.version(), knownReleases());
    }

    /** The release families the library knows: {@code 510, 515, 525-530, 535-545, ...}. */
    public static List<String> knownReleases() {
        List<String> out = new ArrayList<>();
        for (NvrmAbi abi : values()) {
            out.add(abi.releases());
        }
        return List.copyOf(out);
    }

    /** {@code r535}. */
    public String family() {
        return "r" + majors.getFirst();
    }

    /** The major versions this family covers. */
    public List<Integer> majors() {
        return majors;
    }

    /** {@code 535-545}. */
    public String releases() {
        return majors.size() == 1 ? majors.getFirst().toString() : majors.getFirst() + "-" + majors.getLast();
    }

    /** The releases whose layout tables define this family, oldest first; the first one's gives the layouts. */
    public List<String> tables() {
        return tables;
    }

    public DriverLimits limits() {
        return limits;
    }

    /** Whether the handshake's command '2' is QUERY (the driver writes its version back): from 535. */
    public boolean versionQuery() {
        return majors.getFirst() >= 535;
    }

    /** Every struct layout of the family, by C name: the common ones, then the family's. */
    public Map<String, GroupLayout> structs() {
        return layouts().structs;
    }

    /**
     * The layout of struct {@code name}.
     *
     * @throws IllegalArgumentException where the family has no such struct (e.g. the vGPU structs of 515)
     */
    public GroupLayout struct(String name) {
        GroupLayout l = layouts().structs.get(name);
        if (l == null) {
            throw new IllegalArgumentException("the " + family() + " NVIDIA RM layout has no " + name);
        }
        return l;
    }

    /** The size of struct {@code name} in this family. */
    public long sizeof(String name) {
        return struct(name).byteSize();
    }

    /** {@code NV_ESC_RM_ALLOC} with {@code NVOS21_PARAMETERS}, what the client sends. */
    public int allocRequest() {
        return NvEscape.request(NvEscape.NV_ESC_RM_ALLOC, sizeof(NVOS21));
    }

    /** {@code NV_ESC_RM_ALLOC} with {@code NVOS64_PARAMETERS}: 0xC028462B up to 530, 0xC030462B from 535. */
    public int allocWithRightsRequest() {
        return NvEscape.request(NvEscape.NV_ESC_RM_ALLOC, sizeof(NVOS64));
    }

    /** Every ioctl request this family's client may send, by name, for {@code mdevgpu abi}. */
    public Map<String, Integer> ioctls() {
        Map<String, Integer> out = new LinkedHashMap<>();
        out.put("NV_ESC_CHECK_VERSION_STR", NvEscape.CHECK_VERSION_STR);
        out.put("NV_ESC_CARD_INFO", NvEscape.CARD_INFO);
        out.put("NV_ESC_CARD_INFO[" + NvEscape.MAX_CARDS + "]", NvEscape.CARD_INFO_ALL);
        out.put("NV_ESC_REGISTER_FD", NvEscape.REGISTER_FD);
        out.put("NV_ESC_IOCTL_XFER_CMD", NvEscape.IOCTL_XFER_CMD);
        out.put("NV_ESC_RM_FREE", NvEscape.RM_FREE);
        out.put("NV_ESC_RM_CONTROL", NvEscape.RM_CONTROL);
        out.put("NV_ESC_RM_ALLOC", allocRequest());
        out.put("NV_ESC_RM_ALLOC (NVOS64)", allocWithRightsRequest());
        return Collections.unmodifiableMap(out);
    }

    /**
     * The params struct of control {@code cmd} in this family; empty for a command without params
     * ({@code VGPU_CONFIG_MDEV_REGISTER}) or one the family lacks. {@link #controlParamsSize} tells them apart.
     */
    public Optional<GroupLayout> controlParams(int cmd) {
        String name = CONTROL_PARAMS.get(cmd);
        return name == null ? Optional.empty() : Optional.ofNullable(layouts().structs.get(name));
    }

    /** The exact {@code paramsSize} control {@code cmd} takes: 0 for none, empty for a command unknown here. */
    public OptionalLong controlParamsSize(int cmd) {
        String name = CONTROL_PARAMS.get(cmd);
        if (name == null) return OptionalLong.empty();
        if (name.equals(NO_PARAMS)) return vgpuTypes().isPresent() ? OptionalLong.of(0) : OptionalLong.empty();
        GroupLayout l = layouts().structs.get(name);
        return l == null ? OptionalLong.empty() : OptionalLong.of(l.byteSize());
    }

    /** The params struct allocating an object of {@code hClass} takes: 0 for none, empty for a class unknown here. */
    public OptionalLong allocParamsSize(int hClass) {
        return switch (hClass) {
            case NvClass.NV01_ROOT, NvClass.NV01_ROOT_CLIENT -> OptionalLong.of(0);
            case NvClass.NV01_DEVICE_0 -> OptionalLong.of(sizeof(DEVICE_ALLOC));
            case NvClass.NV20_SUBDEVICE_0 -> OptionalLong.of(sizeof(SUBDEVICE_ALLOC));
            case NvClass.NVA081_VGPU_CONFIG -> vgpuTypes().isPresent() ? OptionalLong.of(0) : OptionalLong.empty();
            default -> OptionalLong.empty();
        };
    }

    /** {@code NVOS21_PARAMETERS} of this family, field by field. */
    public AllocParameters alloc() {
        return layouts().alloc;
    }

    /** The vGPU type codec; empty for 515, whose headers have no vGPU config layout. */
    public Optional<VgpuTypeCodec> vgpuTypes() {
        return layouts().vgpuTypes;
    }

    /**
     * The vGPU type codec where this family can also read a GPU's types back (GET_VGPU_TYPE_INFO); empty for 510, whose
     * layout for it is unknown, and for 515.
     */
    public Optional<VgpuTypeCodec> vgpuTypeReader() {
        return vgpuTypes().filter(c -> c.typeInfoLayout().isPresent());
    }

    /**
     * Copies the probed GPU ids of a {@code GET_PROBED_IDS} reply into {@code out}, skipping unused entries
     * ({@code NV0000_CTRL_GPU_INVALID_ID}); returns how many there are. Allocation-free.
     */
    public int probedGpuIds(MemorySegment params, int[] out) {
        return ids(layouts().probedGpuIds, params, out);
    }

    /** The GPUs the driver probed but excluded (e.g. by {@code NVreg_ExcludedGpus}), as {@link #probedGpuIds}. */
    public int excludedGpuIds(MemorySegment params, int[] out) {
        return ids(layouts().probedExcludedIds, params, out);
    }

    private static int ids(Slot list, MemorySegment params, int[] out) {
        int n = 0;
        for (int i = 0; i < list.count(); i++) {
            int id = (int) list.get(params, 0, i);
            if (id != NvControl.NV0000_CTRL_GPU_INVALID_ID) {
                if (n < out.length) out[n] = id;
                n++;
            }
        }
        return n;
    }

    /** How many GPUs a {@code GET_PROBED_IDS} reply can list: the most GPUs one driver of this release runs. */
    public int maxProbedGpus() {
        return (int) layouts().probedGpuIds.count();
    }

    /** Writes a {@code GET_PROBED_IDS} reply as a driver does (for tests): the ids, then invalid ids; flags zero. */
    public void encodeProbedIds(MemorySegment params, int[] ids, int count, int[] excluded, int excludedCount) {
        Slot probedGpuIds = layouts().probedGpuIds, probedExcludedIds = layouts().probedExcludedIds;
        if (count > probedGpuIds.count() || excludedCount > probedExcludedIds.count()) {
            throw new IllegalArgumentException("at most " + probedGpuIds.count() + " probed GPUs fit");
        }
        params.fill((byte) 0);
        for (int i = 0; i < probedGpuIds.count(); i++) {
            probedGpuIds.put(params, 0, i, i < count ? ids[i] : NvControl.NV0000_CTRL_GPU_INVALID_ID);
            probedExcludedIds.put(params, 0, i, i < excludedCount ? excluded[i] : NvControl.NV0000_CTRL_GPU_INVALID_ID);
        }
    }

    /** {@code virtualizationMode} of a {@code GET_VIRTUALIZATION_MODE} reply; see {@link VirtualizationMode}. */
    public int virtualizationMode(MemorySegment params) {
        return (int) layouts().virtualizationMode.get(params, 0);
    }

    /** Writes a {@code GET_VIRTUALIZATION_MODE} reply ({@code isGridBuild} exists from 555). */
    public void encodeVirtualizationMode(MemorySegment params, int mode, boolean gridBuild) {
        params.fill((byte) 0);
        layouts().virtualizationMode.put(params, 0, mode);
        layouts().isGridBuild.put(params, 0, gridBuild ? 1 : 0);
    }

    /**
     * Whether this family's headers have the vGPU heterogeneous-mode controls ({@code GET/SET_VGPU_HETEROGENEOUS_MODE}
     * on the device object): from 550; a 1-byte {@code NvBool}, with {@code gpuInstanceId} at 4 from 575.
     */
    public boolean hasHeterogeneousMode() {
        return layouts().heterogeneousMode.present();
    }

    /** {@code bHeterogeneousMode} of a {@code GET/SET_VGPU_HETEROGENEOUS_MODE} params struct. */
    public boolean heterogeneousMode(MemorySegment params) {
        return layouts().heterogeneousMode.get(params, 0) != 0;
    }

    /** The {@code gpuInstanceId} of those params (575 on; 0 where the family has none). */
    public int heterogeneousGpuInstance(MemorySegment params) {
        return (int) layouts().heterogeneousGpuInstance.get(params, 0);
    }

    /**
     * Writes {@code GET/SET_VGPU_HETEROGENEOUS_MODE} params: the mode, and GPU instance 0 (the whole GPU, no MIG) where
     * the family has the field.
     */
    public void encodeHeterogeneousMode(MemorySegment params, boolean on) {
        params.fill((byte) 0);
        layouts().heterogeneousMode.put(params, 0, on ? 1 : 0);
        layouts().heterogeneousGpuInstance.put(params, 0, 0);
    }

    @Override
    public String toString() {
        return family() + " (" + releases() + "; " + limits + ")";
    }
}
