package io.mdevgpu.sim;

import java.lang.foreign.MemorySegment;
import java.util.Optional;

import io.mdevgpu.Display;
import io.mdevgpu.DriverLimits;
import io.mdevgpu.MdevType;
import io.mdevgpu.PciId;
import io.mdevgpu.Size;
import io.mdevgpu.ValidationException;
import io.mdevgpu.kernel.abi.nvrm.NvrmAbi;
import io.mdevgpu.kernel.abi.nvrm.NvrmTables.Field;
import io.mdevgpu.kernel.abi.nvrm.NvrmTables.Struct;
import io.mdevgpu.kernel.abi.nvrm.NvrmTables.Table;
import io.mdevgpu.kernel.abi.nvrm.VgpuTypeCodec;

/**
 * The vGPU type structs as the simulated driver reads and writes them ({@code SET_INFO}, {@code GET_VGPU_TYPE_INFO},
 * {@code GET_SUPPORTED_VGPU_TYPES}): every field at the offset of the release's layout table. Its own mapping between
 * an {@link MdevType} and the fields, apart from the client's {@link VgpuTypeCodec} on purpose: a driver decoding with
 * the client's codec would read a wrongly written field back by the same mistake, and no test would see it.
 *
 * <p>What the driver takes from {@code NVA081_CTRL_VGPU_INFO}: the number, name and class (NUL-terminated within their
 * buffers), {@code maxInstance} (at most the release's per-GPU limit), the framebuffer, reservation and mappable video
 * in bytes, BAR1 in MiB, {@code vdevId} (guest {@code device << 16 | subsystem device}) with {@code vgpuSsvid} (590+:
 * the guest's subsystem vendor), {@code pdevId} (the host device), ECC, multi-vGPU, encoder capacity and the display.
 */
final class DriverVgpuTypes {
    private final DriverLimits limits;
    private final Field discard, info, requested, typeInfo, listState, listCount, list;
    private final Field number, name, gpuClass, license, maxInstance, numHeads, maxResolutionX, maxResolutionY,
            maxPixels, frlConfig, frlEnable, cudaEnabled, ecc, multiVgpu, vdevId, pdevId, fbLength, fbReservation,
            mappableVideo, encoderCapacity, bar1Length;
    private final Optional<Field> profileSize, ssvid; // where the release has them (vgpuSsvid from 590)

    /** The release's vGPU structs; empty where its table has none (515). */
    static Optional<DriverVgpuTypes> of(Table table, DriverLimits limits) {
        return table.structs().containsKey(NvrmAbi.VGPU_CONFIG_INFO) ? Optional.of(new DriverVgpuTypes(table, limits))
                : Optional.empty();
    }

    private DriverVgpuTypes(Table table, DriverLimits limits) {
        this.limits = limits;
        Struct config = table.struct(NvrmAbi.VGPU_CONFIG_INFO);
        discard = config.require("discardVgpuTypes");
        info = config.require("vgpuInfo");
        Struct types = table.structs().get(NvrmAbi.VGPU_TYPE_INFO); // absent for 510
        requested = types == null ? null : types.require("vgpuType");
        typeInfo = types == null ? null : types.require("vgpuTypeInfo");
        Struct supported = table.structs().get(NvrmAbi.VGPU_TYPES);
        listState = supported == null ? null : supported.require("vgpuConfigState");
        listCount = supported == null ? null : supported.require("numVgpuTypes");
        list = supported == null ? null : supported.require("vgpuTypes");
        Struct v = table.struct(info.type());
        number = v.require("vgpuType");
        name = v.require("vgpuName");
        gpuClass = v.require("vgpuClass");
        license = v.require("license");
        maxInstance = v.require("maxInstance");
        numHeads = v.require("numHeads");
        maxResolutionX = v.require("maxResolutionX");
        maxResolutionY = v.require("maxResolutionY");
        maxPixels = v.require("maxPixels");
        frlConfig = v.require("frlConfig");
        frlEnable = v.require("frlEnable");
        cudaEnabled = v.require("cudaEnabled");
        ecc = v.require("eccSupported");
        multiVgpu = v.require("multiVgpuSupported");
        vdevId = v.require("vdevId");
        pdevId = v.require("pdevId");
        fbLength = v.require("fbLength");
        fbReservation = v.require("fbReservation");
        mappableVideo = v.require("mappableVideoSize");
        encoderCapacity = v.require("encoderCapacity");
        bar1Length = v.require("bar1Length");
        profileSize = v.field("profileSize");
        ssvid = v.field("vgpuSsvid");
    }

    /** Whether {@code SET_INFO} params ask to drop the GPU's earlier types first. */
    boolean discard(MemorySegment params) {
        return discard.get(params, 0) != 0;
    }

    /** The type number of {@code SET_INFO} params. */
    int typeNumber(MemorySegment params) {
        return (int) number.get(params, info.offset());
    }

    /**
     * The type {@code SET_INFO} params describe.
     *
     * @throws ValidationException where the params hold what no type can be: a name or class without its NUL, more
     *                             instances than the release allows, or values an {@link MdevType} refuses
     */
    MdevType decodeSetInfo(MemorySegment params) {
        long base = info.offset();
        for (Field text : new Field[] {name, gpuClass}) {
            if (!text.isTerminated(params, base)) {
                throw new ValidationException("vGPU type " + number.get(params, base) + " sent to the simulated driver",
                        text.getString(params, base), "a " + text.size() + "-byte " + text.name() + " without its NUL");
            }
        }
        long instances = maxInstance.get(params, base);
        if (instances > limits.maxInstancesPerGpu()) {
            throw new ValidationException("maxInstance sent to the simulated driver", Long.toString(instances),
                    "at most " + limits.maxInstancesPerGpu() + " with this release");
        }
        PciId guest = PciId.fromNvidiaPacked(vdevId.get(params, base) & 0xFFFF_FFFFL);
        int subsystemVendor = ssvid.map(f -> (int) f.get(params, base)).orElse(0);
        if (subsystemVendor != 0) guest = guest.withSubsystem(subsystemVendor, guest.subsystemDevice());
        long host = pdevId.get(params, base);
        PciId hostId = host > 0xFFFF ? PciId.fromNvidiaPacked(host & 0xFFFF_FFFFL) : PciId.of(PciId.NVIDIA, (int) host);
        Display display = new Display((int) numHeads.get(params, base), (int) maxResolutionX.get(params, base),
                (int) maxResolutionY.get(params, base), (int) frlConfig.get(params, base), frlEnable.get(params, base) != 0);
        return new MdevType((int) number.get(params, base), name.getString(params, base), gpuClass.getString(params, base),
                (int) instances, Size.bytes(fbLength.get(params, base)), Size.bytes(fbReservation.get(params, base)),
                Size.bytes(mappableVideo.get(params, base)), Size.mib(bar1Length.get(params, base)), Optional.of(guest),
                Optional.of(hostId), ecc.get(params, base) != 0, multiVgpu.get(params, base) != 0,
                (int) encoderCapacity.get(params, base), display);
    }

    /** Whether the release answers {@code GET_VGPU_TYPE_INFO} (not 510, whose layout for it is unknown). */
    boolean readsTypesBack() {
        return typeInfo != null;
    }

    /** The type number a {@code GET_VGPU_TYPE_INFO} request asks for. */
    int requestedType(MemorySegment params) {
        return (int) requested.get(params, 0);
    }

    /** Answers {@code GET_VGPU_TYPE_INFO} with {@code type} as the driver holds it, on a GPU of identity {@code physical}. */
    void encodeTypeInfo(MemorySegment params, MdevType type, PciId physical) {
        params.fill((byte) 0);
        requested.put(params, 0, type.number());
        long base = typeInfo.offset();
        PciId guest = type.guestPciId().orElse(physical), host = type.hostPciId().orElse(physical);
        Display d = type.display();
        number.put(params, base, type.number());
        name.putString(params, base, type.name());
        gpuClass.putString(params, base, type.gpuClass());
        license.putString(params, base, VgpuTypeCodec.LICENSE);
        maxInstance.put(params, base, type.maxInstances());
        numHeads.put(params, base, d.heads());
        maxResolutionX.put(params, base, d.maxResolutionX());
        maxResolutionY.put(params, base, d.maxResolutionY());
        maxPixels.put(params, base, d.maxPixels());
        frlConfig.put(params, base, d.frameRateLimit());
        frlEnable.put(params, base, d.frameRateLimiter() ? 1 : 0);
        cudaEnabled.put(params, base, 1);
        ecc.put(params, base, type.ecc() ? 1 : 0);
        multiVgpu.put(params, base, type.multiVgpu() ? 1 : 0);
        vdevId.put(params, base, guest.nvidiaPacked());
        pdevId.put(params, base, host.device());
        ssvid.ifPresent(f -> f.put(params, base, guest.subsystemVendor()));
        fbLength.put(params, base, type.framebuffer().bytes());
        fbReservation.put(params, base, type.reserved().bytes());
        profileSize.ifPresent(f -> f.put(params, base, type.framebuffer().bytes() + type.reserved().bytes()));
        mappableVideo.put(params, base, type.mappableVideo().bytes());
        encoderCapacity.put(params, base, type.encoderCapacity());
        bar1Length.put(params, base, type.bar1().toMiB());
    }

    /** Answers {@code GET_SUPPORTED_VGPU_TYPES} with {@code numbers} (at most the list's length). */
    void encodeSupportedTypes(MemorySegment params, int[] numbers, int configState) {
        if (numbers.length > list.count()) {
            throw new IllegalStateException(numbers.length + " types do not fit the " + list.count() + "-entry list");
        }
        params.fill((byte) 0);
        listState.put(params, 0, configState);
        listCount.put(params, 0, numbers.length);
        for (int i = 0; i < numbers.length; i++) list.put(params, 0, i, numbers[i]);
    }
}
