package io.mdevgpu.sim;

import java.lang.foreign.MemorySegment;
import java.util.Optional;

import io.mdevgpu.kernel.abi.nvrm.NvrmAbi;
import io.mdevgpu.kernel.abi.nvrm.NvrmTables;
import io.mdevgpu.kernel.abi.nvrm.NvrmTables.Field;
import io.mdevgpu.kernel.abi.nvrm.NvrmTables.Struct;
import io.mdevgpu.kernel.abi.nvrm.NvrmTables.Table;
import io.mdevgpu.kernel.sys.Syscalls;

/**
 * The RM structs of one release as the simulated driver reads and writes them: every field at the offset the
 * release's layout table gives ({@link NvrmTables}, the compiler's numbers), never through the client's layouts,
 * binding classes or codecs. A client that writes a field in the wrong place is answered as the real driver would
 * answer it, instead of being decoded back by the same mistake.
 */
final class DriverStructs {
    final Table table;
    final long versionSize, cardSize, allocSize, freeSize, controlSize;
    final Field versionCmd, versionReply, versionString;
    final Field cardValid, cardPci, cardGpuId, cardMinor, cardIrq, cardRegAddress, cardRegSize, cardFbAddress, cardFbSize;
    final Field pciDomain, pciBus, pciSlot, pciVendor, pciDevice;
    final Field allocRoot, allocParent, allocNew, allocClass, allocParams, allocStatus;
    final Optional<Field> allocParamsSize; // from 535
    final Field freeRoot, freeParent, freeOld, freeStatus;
    final Field controlClient, controlObject, controlCmd, controlParams, controlParamsSize, controlStatus;
    final Field deviceId;
    final Field probedIds, probedExcluded;
    final Field pciInfoGpuId, pciInfoDomain, pciInfoBus, pciInfoSlot;
    final Field attachIds, attachFailed, detachIds;
    final Field idInfoGpuId, idInfoDeviceInstance, idInfoSubDeviceInstance;
    final Field mode;
    final Optional<Field> gridBuild; // from 555
    final Field busDeviceId, busSubSystemId, busRevisionId;

    /** The structs of {@code abi}'s layout table, as bundled in the kernel jar. */
    DriverStructs(NvrmAbi abi) {
        this(NvrmTables.bundled().load(abi.tables().getFirst()));
    }

    DriverStructs(Table table) {
        this.table = table;
        Struct version = table.struct(NvrmAbi.VERSION);
        versionSize = version.size();
        versionCmd = version.require("cmd");
        versionReply = version.require("reply");
        versionString = version.require("versionString");
        Struct card = table.struct(NvrmAbi.CARD_INFO);
        cardSize = card.size();
        cardValid = card.require("valid");
        cardPci = card.require("pci_info");
        cardGpuId = card.require("gpu_id");
        cardMinor = card.require("minor_number");
        cardIrq = card.require("interrupt_line");
        cardRegAddress = card.require("reg_address");
        cardRegSize = card.require("reg_size");
        cardFbAddress = card.require("fb_address");
        cardFbSize = card.require("fb_size");
        Struct pci = table.struct(cardPci.type());
        pciDomain = pci.require("domain");
        pciBus = pci.require("bus");
        pciSlot = pci.require("slot");
        pciVendor = pci.require("vendor_id");
        pciDevice = pci.require("device_id");
        Struct alloc = table.struct(NvrmAbi.NVOS21);
        allocSize = alloc.size();
        allocRoot = alloc.require("hRoot");
        allocParent = alloc.require("hObjectParent");
        allocNew = alloc.require("hObjectNew");
        allocClass = alloc.require("hClass");
        allocParams = alloc.require("pAllocParms");
        allocParamsSize = alloc.field("paramsSize");
        allocStatus = alloc.require("status");
        Struct free = table.struct(NvrmAbi.NVOS00);
        freeSize = free.size();
        freeRoot = free.require("hRoot");
        freeParent = free.require("hObjectParent");
        freeOld = free.require("hObjectOld");
        freeStatus = free.require("status");
        Struct control = table.struct(NvrmAbi.NVOS54);
        controlSize = control.size();
        controlClient = control.require("hClient");
        controlObject = control.require("hObject");
        controlCmd = control.require("cmd");
        controlParams = control.require("params");
        controlParamsSize = control.require("paramsSize");
        controlStatus = control.require("status");
        deviceId = table.struct(NvrmAbi.DEVICE_ALLOC).require("deviceId");
        Struct probed = table.struct(NvrmAbi.PROBED_IDS);
        probedIds = probed.require("gpuIds");
        probedExcluded = probed.require("excludedGpuIds");
        Struct pciInfo = table.struct(NvrmAbi.PCI_INFO);
        pciInfoGpuId = pciInfo.require("gpuId");
        pciInfoDomain = pciInfo.require("domain");
        pciInfoBus = pciInfo.require("bus");
        pciInfoSlot = pciInfo.require("slot");
        Struct attach = table.struct(NvrmAbi.ATTACH_IDS);
        attachIds = attach.require("gpuIds");
        attachFailed = attach.require("failedId");
        detachIds = table.struct(NvrmAbi.DETACH_IDS).require("gpuIds");
        Struct idInfo = table.struct(NvrmAbi.ID_INFO);
        idInfoGpuId = idInfo.require("gpuId");
        idInfoDeviceInstance = idInfo.require("deviceInstance");
        idInfoSubDeviceInstance = idInfo.require("subDeviceInstance");
        Struct virtualization = table.struct(NvrmAbi.VIRTUALIZATION_MODE);
        mode = virtualization.require("virtualizationMode");
        gridBuild = virtualization.field("isGridBuild");
        Struct bus = table.struct(NvrmAbi.BUS_PCI_INFO);
        busDeviceId = bus.require("pciDeviceId");
        busSubSystemId = bus.require("pciSubSystemId");
        busRevisionId = bus.require("pciRevisionId");
    }

    /** The params a pointer field points to, {@code size} bytes of the caller's memory. */
    static MemorySegment pointee(Field pointer, MemorySegment struct, long size) {
        // through the kernel's one restricted-method gate, so the simulator itself needs no native access
        return Syscalls.resize(MemorySegment.ofAddress(pointer.get(struct, 0)), size, "RM parameters");
    }

    /** Whether a pointer field is NULL. */
    static boolean isNull(Field pointer, MemorySegment struct) {
        return pointer.get(struct, 0) == 0;
    }
}
