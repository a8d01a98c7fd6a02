package io.mdevgpu.kernel.abi.nvrm;

import java.lang.foreign.GroupLayout;
import java.util.Map;
import java.util.Optional;

import io.mdevgpu.DriverLimits;
import io.mdevgpu.kernel.abi.nvrm.NvrmTables.Table;

/**
 * What a family's layout table gives: its structs laid out, and the codecs and fields read from them. Built once per
 * family, on first use, from the table of the family's first release; {@link NvrmAbi} answers from it.
 */
final class FamilyLayouts {
    final Map<String, GroupLayout> structs;
    final AllocParameters alloc;
    final Optional<VgpuTypeCodec> vgpuTypes; // empty for 515, whose headers have no vGPU config layout
    final Slot probedGpuIds, probedExcludedIds, virtualizationMode, isGridBuild;
    /** The GET/SET heterogeneous-mode params' fields (laid out alike); {@link Slot#ABSENT} before 550. */
    final Slot heterogeneousMode, heterogeneousGpuInstance;

    FamilyLayouts(String family, DriverLimits limits, Table table) {
        this.structs = table.layouts();
        this.alloc = new AllocParameters(struct(NvrmAbi.NVOS21, table));
        this.vgpuTypes = structs.containsKey(NvrmAbi.VGPU_CONFIG_INFO)
                ? Optional.of(new VgpuTypeCodec(family, limits, structs)) : Optional.empty();
        GroupLayout probed = struct(NvrmAbi.PROBED_IDS, table), mode = struct(NvrmAbi.VIRTUALIZATION_MODE, table);
        this.probedGpuIds = Slot.of(probed, "gpuIds");
        this.probedExcludedIds = Slot.of(probed, "excludedGpuIds");
        this.virtualizationMode = Slot.of(mode, "virtualizationMode");
        this.isGridBuild = Slot.optional(mode, "isGridBuild");
        GroupLayout getMode = structs.get(NvrmAbi.GET_HETEROGENEOUS_MODE);
        GroupLayout setMode = structs.get(NvrmAbi.SET_HETEROGENEOUS_MODE);
        boolean alike = getMode == null ? setMode == null
                : setMode != null && getMode.equals(setMode.withName(getMode.name().orElseThrow()));
        if (!alike) {
            throw new IllegalStateException("the NVIDIA RM layout table of " + table.release() + " lays out the GET and SET "
                    + "heterogeneous-mode params differently; one codec serves both");
        }
        this.heterogeneousMode = getMode == null ? Slot.ABSENT : Slot.of(getMode, "bHeterogeneousMode");
        this.heterogeneousGpuInstance = getMode == null ? Slot.ABSENT : Slot.optional(getMode, "gpuInstanceId");
    }

    private GroupLayout struct(String name, Table table) {
        GroupLayout l = structs.get(name);
        if (l == null) throw new IllegalStateException("the NVIDIA RM layout table of " + table.release() + " has no " + name);
        return l;
    }
}
