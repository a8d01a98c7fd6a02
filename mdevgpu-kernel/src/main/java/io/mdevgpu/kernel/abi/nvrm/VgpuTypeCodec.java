package io.mdevgpu.kernel.abi.nvrm;

import java.lang.foreign.Arena;
import java.lang.foreign.GroupLayout;
import java.lang.foreign.MemorySegment;
import java.util.Map;
import java.util.Optional;

import io.mdevgpu.Display;
import io.mdevgpu.DriverLimits;
import io.mdevgpu.MdevType;
import io.mdevgpu.PciId;
import io.mdevgpu.Size;
import io.mdevgpu.ValidationException;

/**
 * Encodes an {@link MdevType} into one family's {@code NVA081_CTRL_VGPU_CONFIG_INFO_PARAMS} (the argument of
 * {@code VGPU_CONFIG_SET_INFO}) and decodes it back, for the client (the simulated driver decodes on its own, by the
 * layout tables, so that a mistake here is not mirrored there). Every
 * offset comes from the family's layout by field name; fields a release lacks are skipped. Encoding writes into the
 * caller's segment and allocates nothing; decoding allocates only its result.
 *
 * <p>What a type becomes: {@code vgpuType} = number; name and class UTF-8, NUL-terminated within their buffers;
 * {@code fbLength}, {@code fbReservation}, {@code mappableVideoSize} and {@code profileSize} (their sum) in bytes;
 * {@code bar1Length} in MiB; {@code vdevId} = the guest id packed {@code device << 16 | subsystem device} and
 * {@code pdevId} = the host device id (the physical GPU's where the type names none); {@code vgpuSsvid} (590+) =
 * the guest's subsystem vendor; {@code cudaEnabled} = 1; {@code maxPixels} = width x height; {@code license} =
 * {@link #LICENSE}; signature, GPU-instance and placement fields zero.
 */
public final class VgpuTypeCodec {
    /** The license string the predecessor registers every type with. */
    public static final String LICENSE = "NVIDIA-vComputeServer,9.0;Quadro-Virtual-DWS,5.0";

    private final String family;
    private final DriverLimits limits;
    private final GroupLayout configInfo;
    private final GroupLayout typeInfo;
    private final GroupLayout supportedTypes;
    private final long infoInConfig;
    private final long infoInTypeInfo;
    private final Slot discard, configState, requestedType;
    private final Slot typesGpuInstance, typesConfigState, typesCount, typesList;
    private final Slot vgpuType, name, gpuClass, license, maxInstance, numHeads, maxResolutionX, maxResolutionY,
            maxPixels, frlConfig, cudaEnabled, eccSupported, multiVgpuSupported, vdevId, pdevId, profileSize, fbLength,
            fbReservation, mappableVideoSize, encoderCapacity, bar1Length, frlEnable, vgpuSsvid;

    VgpuTypeCodec(String family, DriverLimits limits, Map<String, GroupLayout> structs) {
        this.family = family;
        this.limits = limits;
        this.configInfo = structs.get(NvrmAbi.VGPU_CONFIG_INFO);
        this.typeInfo = structs.get(NvrmAbi.VGPU_TYPE_INFO);
        this.supportedTypes = structs.get(NvrmAbi.VGPU_TYPES);
        GroupLayout info = structs.get(NvrmAbi.VGPU_INFO);
        infoInConfig = Slot.of(configInfo, "vgpuInfo").offset;
        discard = Slot.of(configInfo, "discardVgpuTypes");
        configState = Slot.optional(configInfo, "vgpuConfigState");
        infoInTypeInfo = typeInfo == null ? -1 : Slot.of(typeInfo, "vgpuTypeInfo").offset;
        requestedType = typeInfo == null ? Slot.ABSENT : Slot.of(typeInfo, "vgpuType");
        typesGpuInstance = supportedTypes == null ? Slot.ABSENT : Slot.optional(supportedTypes, "gpuInstanceId");
        typesConfigState = supportedTypes == null ? Slot.ABSENT : Slot.of(supportedTypes, "vgpuConfigState");
        typesCount = supportedTypes == null ? Slot.ABSENT : Slot.of(supportedTypes, "numVgpuTypes");
        typesList = supportedTypes == null ? Slot.ABSENT : Slot.of(supportedTypes, "vgpuTypes");
        vgpuType = Slot.of(info, "vgpuType");
        name = Slot.of(info, "vgpuName");
        gpuClass = Slot.of(info, "vgpuClass");
        license = Slot.of(info, "license");
        maxInstance = Slot.of(info, "maxInstance");
        numHeads = Slot.of(info, "numHeads");
        maxResolutionX = Slot.of(info, "maxResolutionX");
        maxResolutionY = Slot.of(info, "maxResolutionY");
        maxPixels = Slot.of(info, "maxPixels");
        frlConfig = Slot.of(info, "frlConfig");
        cudaEnabled = Slot.of(info, "cudaEnabled");
        eccSupported = Slot.of(info, "eccSupported");
        multiVgpuSupported = Slot.of(info, "multiVgpuSupported");
        vdevId = Slot.of(info, "vdevId");
        pdevId = Slot.of(info, "pdevId");
        profileSize = Slot.optional(info, "profileSize");
        fbLength = Slot.of(info, "fbLength");
        fbReservation = Slot.of(info, "fbReservation");
        mappableVideoSize = Slot.of(info, "mappableVideoSize");
        encoderCapacity = Slot.of(info, "encoderCapacity");
        bar1Length = Slot.of(info, "bar1Length");
        frlEnable = Slot.of(info, "frlEnable");
        vgpuSsvid = Slot.optional(info, "vgpuSsvid");
        if (name.size != limits.stringBufferBytes() || gpuClass.size != limits.stringBufferBytes()) {
            throw new IllegalStateException(family + ": the vGPU name buffer is " + name.size + " bytes but the limits say "
                    + limits.stringBufferBytes());
        }
    }

    public DriverLimits limits() {
        return limits;
    }

    /** {@code NVA081_CTRL_VGPU_CONFIG_INFO_PARAMS} of this family. */
    public GroupLayout configInfoLayout() {
        return configInfo;
    }

    /** {@code NVA081_CTRL_VGPU_CONFIG_GET_VGPU_TYPE_INFO_PARAMS}; absent for 510, whose layout is unknown. */
    public Optional<GroupLayout> typeInfoLayout() {
        return Optional.ofNullable(typeInfo);
    }

    /** {@code NVA081_CTRL_VGPU_CONFIG_GET_VGPU_TYPES_PARAMS} (the supported-types list); absent for 510. */
    public Optional<GroupLayout> supportedTypesLayout() {
        return Optional.ofNullable(supportedTypes);
    }

    /**
     * Checks that {@code type} fits this release: name and class within the string buffers, instances within the
     * per-GPU limit. Allocates nothing when it fits.
     *
     * @throws ValidationException naming the property and this release's limit
     */
    public void checkFits(MdevType type) {
        if (CStrings.utf8Length(type.name()) > limits.maxStringBytes()) {
            MdevType.checkString("name", type.name(), limits);
        }
        if (CStrings.utf8Length(type.gpuClass()) > limits.maxStringBytes()) {
            MdevType.checkString("class", type.gpuClass(), limits);
        }
        if (type.maxInstances() > limits.maxInstancesPerGpu()) {
            throw new ValidationException("max_instances", Integer.toString(type.maxInstances()),
                    "allowed: 1.." + limits.maxInstancesPerGpu() + " with the " + family + " driver");
        }
    }

    /**
     * Writes {@code type} into {@code params} (a {@link #configInfoLayout()} struct), zeroing it first.
     *
     * @param physical the GPU's own identity: the guest and host ids where the type names none
     * @param discard  whether the driver drops the GPU's earlier types before taking this one
     */
    public void encodeConfigInfo(MemorySegment params, MdevType type, PciId physical, boolean discard) {
        requireSize(params, configInfo);
        checkFits(type);
        params.fill((byte) 0);
        this.discard.put(params, 0, discard ? 1 : 0);
        encodeInfo(params, infoInConfig, type, physical);
    }

    /**
     * SET_INFO params that only discard: zeroed, the discard flag set, the invalid type 0. A driver that discards
     * before it checks the type (as the simulated one does; unverified on a real one) empties the GPU's table and
     * then refuses the type with {@code NV_ERR_INVALID_ARGUMENT}: the only way to return a table to empty.
     */
    public void encodeDiscardOnly(MemorySegment params) {
        requireSize(params, configInfo);
        params.fill((byte) 0);
        this.discard.put(params, 0, 1);
    }

    /** Whether SET_INFO params ask to discard the GPU's earlier types. */
    public boolean discard(MemorySegment params) {
        return discard.get(params, 0) != 0;
    }

    /** The type number in SET_INFO params, without decoding the rest. */
    public int typeNumber(MemorySegment params) {
        return (int) vgpuType.get(params, infoInConfig);
    }

    /** {@code vgpuConfigState} of SET_INFO params (0 where the release has none). */
    public int configState(MemorySegment params) {
        return (int) configState.get(params, 0);
    }

    /**
     * The type SET_INFO params describe.
     *
     * @throws ValidationException where the params hold values an {@link MdevType} cannot have (type 0, a name
     *                             without NUL...)
     */
    public MdevType decodeConfigInfo(MemorySegment params) {
        requireSize(params, configInfo);
        return decodeInfo(params, infoInConfig);
    }

    /** Asks GET_VGPU_TYPE_INFO for type {@code number}: zeroes {@code params} and sets the requested type. */
    public void encodeTypeInfoRequest(MemorySegment params, int number) {
        requireTypeInfo(params);
        params.fill((byte) 0);
        requestedType.put(params, 0, number);
    }

    /** The type number a GET_VGPU_TYPE_INFO request asks for. */
    public int typeInfoRequest(MemorySegment params) {
        requireTypeInfo(params);
        return (int) requestedType.get(params, 0);
    }

    /** Answers a GET_VGPU_TYPE_INFO request with {@code type}, as a driver does ({@link #asHeld}, tests). */
    public void encodeTypeInfo(MemorySegment params, MdevType type, PciId physical) {
        requireTypeInfo(params);
        params.fill((byte) 0);
        requestedType.put(params, 0, type.number());
        encodeInfo(params, infoInTypeInfo, type, physical);
    }

    /** The type a GET_VGPU_TYPE_INFO reply describes. */
    public MdevType decodeTypeInfo(MemorySegment params) {
        requireTypeInfo(params);
        return decodeInfo(params, infoInTypeInfo);
    }

    /**
     * {@code type} as reading it back gives it once it is registered on a GPU of identity {@code physical}: the ids it
     * leaves to the GPU filled in, each field as wide as this release's struct holds it. So a table read from the
     * driver can be compared with types not yet registered. Empty where this release cannot read types back.
     */
    public Optional<MdevType> asHeld(MdevType type, PciId physical) {
        if (typeInfo == null) return Optional.empty();
        try (Arena scratch = Arena.ofConfined()) {
            MemorySegment params = scratch.allocate(typeInfo);
            encodeTypeInfo(params, type, physical);
            return Optional.of(decodeTypeInfo(params));
        }
    }

    /** Asks GET_SUPPORTED_VGPU_TYPES for the GPU's list ({@code gpuInstanceId} is ignored before 575). */
    public void encodeSupportedTypesRequest(MemorySegment params, int gpuInstanceId) {
        requireSupportedTypes(params);
        params.fill((byte) 0);
        typesGpuInstance.put(params, 0, gpuInstanceId);
    }

    /** Copies the supported type numbers into {@code out}; returns how many there are. */
    public int supportedTypes(MemorySegment params, int[] out) {
        requireSupportedTypes(params);
        int n = (int) Math.min(typesCount.get(params, 0), typesList.count());
        for (int i = 0; i < n && i < out.length; i++) {
            out[i] = (int) typesList.get(params, 0, i);
        }
        return n;
    }

    /** Answers GET_SUPPORTED_VGPU_TYPES with {@code count} numbers from {@code types}, as a driver does (for tests). */
    public void encodeSupportedTypes(MemorySegment params, int[] types, int count, int vgpuConfigState) {
        requireSupportedTypes(params);
        if (count > typesList.count()) {
            throw new IllegalArgumentException(count + " types do not fit the " + typesList.count() + "-entry list of " + family);
        }
        typesConfigState.put(params, 0, vgpuConfigState);
        typesCount.put(params, 0, count);
        for (int i = 0; i < typesList.count(); i++) {
            typesList.put(params, 0, i, i < count ? types[i] : 0);
        }
    }

    private void encodeInfo(MemorySegment s, long base, MdevType type, PciId physical) {
        PciId guest = type.guestPciId().orElse(physical);
        PciId host = type.hostPciId().orElse(physical);
        Display display = type.display();
        vgpuType.put(s, base, type.number());
        name.putString(s, base, type.name());
        gpuClass.putString(s, base, type.gpuClass());
        license.putString(s, base, LICENSE);
        maxInstance.put(s, base, type.maxInstances());
        numHeads.put(s, base, display.heads());
        maxResolutionX.put(s, base, display.maxResolutionX());
        maxResolutionY.put(s, base, display.maxResolutionY());
        maxPixels.put(s, base, display.maxPixels());
        frlConfig.put(s, base, display.frameRateLimit());
        frlEnable.put(s, base, display.frameRateLimiter() ? 1 : 0);
        cudaEnabled.put(s, base, 1);
        eccSupported.put(s, base, type.ecc() ? 1 : 0);
        multiVgpuSupported.put(s, base, type.multiVgpu() ? 1 : 0);
        vdevId.put(s, base, guest.nvidiaPacked());
        pdevId.put(s, base, host.device());
        vgpuSsvid.put(s, base, guest.subsystemVendor());
        fbLength.put(s, base, type.framebuffer().bytes());
        fbReservation.put(s, base, type.reserved().bytes());
        profileSize.put(s, base, type.framebuffer().bytes() + type.reserved().bytes());
        mappableVideoSize.put(s, base, type.mappableVideo().bytes());
        encoderCapacity.put(s, base, type.encoderCapacity());
        bar1Length.put(s, base, type.bar1().toMiB());
    }

    private MdevType decodeInfo(MemorySegment s, long base) {
        for (Slot text : new Slot[] {name, gpuClass}) {
            if (!CStrings.isTerminated(s, base + text.offset, text.size)) {
                throw new ValidationException("vGPU type " + vgpuType.get(s, base) + " from the driver",
                        text.getString(s, base), "a " + text.size + "-byte string buffer without its terminating NUL");
            }
        }
        long packedGuest = vdevId.get(s, base);
        PciId guest = PciId.fromNvidiaPacked(packedGuest & 0xFFFF_FFFFL);
        int ssvid = (int) vgpuSsvid.get(s, base);
        if (ssvid != 0) guest = guest.withSubsystem(ssvid, guest.subsystemDevice());
        long host = pdevId.get(s, base);
        PciId hostId = host > 0xFFFF ? PciId.fromNvidiaPacked(host & 0xFFFF_FFFFL) : PciId.of(PciId.NVIDIA, (int) host);
        Display display = new Display((int) numHeads.get(s, base), (int) maxResolutionX.get(s, base),
                (int) maxResolutionY.get(s, base), (int) frlConfig.get(s, base), frlEnable.get(s, base) != 0);
        return new MdevType((int) vgpuType.get(s, base), name.getString(s, base), gpuClass.getString(s, base),
                (int) maxInstance.get(s, base), Size.bytes(fbLength.get(s, base)), Size.bytes(fbReservation.get(s, base)),
                Size.bytes(mappableVideoSize.get(s, base)), Size.mib(bar1Length.get(s, base)), Optional.of(guest),
                Optional.of(hostId), eccSupported.get(s, base) != 0, multiVgpuSupported.get(s, base) != 0,
                (int) encoderCapacity.get(s, base), display);
    }

    private void requireTypeInfo(MemorySegment params) {
        if (typeInfo == null) {
            throw new IllegalStateException("the " + family + " layout has no GET_VGPU_TYPE_INFO params");
        }
        requireSize(params, typeInfo);
    }

    private void requireSupportedTypes(MemorySegment params) {
        if (supportedTypes == null) {
            throw new IllegalStateException("the " + family + " layout has no GET_SUPPORTED_VGPU_TYPES params");
        }
        requireSize(params, supportedTypes);
    }

    private static void requireSize(MemorySegment params, GroupLayout layout) {
        if (params.byteSize() != layout.byteSize()) {
            throw new IllegalArgumentException(layout.name().orElse("params") + " is " + layout.byteSize()
                    + " bytes, the segment " + params.byteSize());
        }
    }

    @Override
    public String toString() {
        return "VgpuTypeCodec[" + family + ", " + configInfo.name().orElseThrow() + " " + configInfo.byteSize() + " bytes, "
                + limits + "]";
    }
}
