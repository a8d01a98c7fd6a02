package io.mdevgpu.kernel.abi.nvrm;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.GroupLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiConsumer;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.mdevgpu.Display;
import io.mdevgpu.MdevException;
import io.mdevgpu.MdevType;
import io.mdevgpu.MdevTypeBuilder;
import io.mdevgpu.PciId;
import io.mdevgpu.Size;
import io.mdevgpu.kernel.testing.FuzzCorpus;
import org.junit.jupiter.api.Test;

/**
 * Every RM struct decoder on arbitrary bytes, for every driver family: the first input byte picks the family
 * ({@code NvrmAbi.values()[b % n]}), the rest fills the family's struct (zero-padded, truncated). What the driver
 * hands back may be garbage; the decoders may refuse it only with the library's own exceptions.
 */
class NvrmDecoderFuzzTest {
    private static final NvrmAbi[] FAMILIES = NvrmAbi.values();
    private static final PciId H100 = PciId.of(PciId.NVIDIA, 0x2330, PciId.NVIDIA, 0x16C1);

    /** The family the first byte selects and the struct {@code name} of it, filled from the rest. */
    private static void decode(byte[] data, String struct, BiConsumer<NvrmAbi, MemorySegment> decoder) {
        if (data.length == 0) return;
        NvrmAbi abi = FAMILIES[Byte.toUnsignedInt(data[0]) % FAMILIES.length];
        GroupLayout layout = abi.structs().get(struct);
        if (layout == null) return;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment params = arena.allocate(layout);
            MemorySegment.copy(data, 1, params, ValueLayout.JAVA_BYTE, 0, (int) Math.min(data.length - 1, layout.byteSize()));
            try {
                decoder.accept(abi, params);
            } catch (MdevException refused) {
                // the library's own refusal of a malformed reply: allowed
            }
        }
    }

    @FuzzTest(maxDuration = "5m")
    void configInfo(byte[] data) {
        decode(data, NvrmAbi.VGPU_CONFIG_INFO, (abi, params) -> {
            VgpuTypeCodec codec = abi.vgpuTypes().orElseThrow();
            codec.discard(params);
            codec.typeNumber(params);
            codec.configState(params);
            codec.decodeConfigInfo(params).toString();
        });
    }

    @FuzzTest(maxDuration = "5m")
    void typeInfo(byte[] data) {
        decode(data, NvrmAbi.VGPU_TYPE_INFO, (abi, params) -> {
            VgpuTypeCodec codec = abi.vgpuTypes().orElseThrow();
            codec.typeInfoRequest(params);
            codec.decodeTypeInfo(params).toString();
        });
    }

    @FuzzTest(maxDuration = "5m")
    void supportedTypes(byte[] data) {
        decode(data, NvrmAbi.VGPU_TYPES, (abi, params) -> {
            int[] out = new int[64];
            int n = abi.vgpuTypes().orElseThrow().supportedTypes(params, out);
            assertTrue(n >= 0, "a negative count of supported types: " + n);
        });
    }

    @FuzzTest(maxDuration = "5m")
    void probedIds(byte[] data) {
        decode(data, NvrmAbi.PROBED_IDS, (abi, params) -> {
            int[] out = new int[4];
            abi.probedGpuIds(params, out);
            abi.excludedGpuIds(params, out);
        });
    }

    @FuzzTest(maxDuration = "5m")
    void virtualizationMode(byte[] data) {
        decode(data, NvrmAbi.VIRTUALIZATION_MODE, (abi, params) -> {
            int mode = abi.virtualizationMode(params);
            VirtualizationMode.describe(mode);
        });
    }

    /** NVOS21 as the driver returns it: handles and status, and the status's name and meaning. */
    @FuzzTest(maxDuration = "5m")
    void allocParameters(byte[] data) {
        decode(data, NvrmAbi.NVOS21, (abi, params) -> {
            AllocParameters alloc = abi.alloc();
            alloc.hRoot(params);
            alloc.hObjectParent(params);
            alloc.hObjectNew(params);
            alloc.hClass(params);
            alloc.paramsSize(params);
            int status = alloc.status(params);
            NvStatus.of(status).toString();
            NvStatus.describe(status);
        });
    }

    // ---- seeds: what each family encodes

    private static MdevType quarter(int maxInstances) {
        return MdevTypeBuilder.number(531).name("Open vAmpere/4").gpuClass("Compute").maxInstances(maxInstances)
                .framebuffer(Size.mib(9536)).reserved(Size.mib(704)).mappableVideo(Size.mib(24)).bar1(Size.mib(1024))
                .guestPciId(PciId.of(0x10DE, 0x20B0, 0x10DE, 0x1470)).hostPciId(PciId.of(0x10DE, 0x20B5))
                .ecc(true).encoderCapacity(50)
                .display(Display.heads(4).maxResolution(1920, 1080).frameRateLimit(60).frameRateLimiter(true)).build();
    }

    private static byte[] encoded(GroupLayout layout, java.util.function.Consumer<MemorySegment> encoder) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment s = arena.allocate(layout);
            encoder.accept(s);
            return s.toArray(ValueLayout.JAVA_BYTE);
        }
    }

    @Test
    void seedCorporaHoldWhatEveryFamilyEncodes() {
        Map<String, byte[]> config = new LinkedHashMap<>(), typeInfo = new LinkedHashMap<>(),
                types = new LinkedHashMap<>(), probed = new LinkedHashMap<>(), mode = new LinkedHashMap<>(),
                alloc = new LinkedHashMap<>();
        for (NvrmAbi abi : FAMILIES) {
            int selector = abi.ordinal();
            String f = abi.name();
            abi.vgpuTypes().ifPresent(codec -> {
                MdevType type = quarter(Math.min(4, codec.limits().maxInstancesPerGpu()));
                config.put(f + " set info", FuzzCorpus.prefixed(selector, encoded(codec.configInfoLayout(),
                        s -> codec.encodeConfigInfo(s, type, H100, true))));
                codec.typeInfoLayout().ifPresent(l -> typeInfo.put(f + " type info", FuzzCorpus.prefixed(selector,
                        encoded(l, s -> codec.encodeTypeInfo(s, type, H100)))));
                codec.supportedTypesLayout().ifPresent(l -> types.put(f + " supported types", FuzzCorpus.prefixed(selector,
                        encoded(l, s -> codec.encodeSupportedTypes(s, new int[] {531, 532, 533}, 3, 1)))));
            });
            probed.put(f + " probed ids", FuzzCorpus.prefixed(selector, encoded(abi.struct(NvrmAbi.PROBED_IDS),
                    s -> abi.encodeProbedIds(s, new int[] {0x600, 0x700}, 2, new int[] {0x800}, 1))));
            mode.put(f + " host mode", FuzzCorpus.prefixed(selector, encoded(abi.struct(NvrmAbi.VIRTUALIZATION_MODE),
                    s -> abi.encodeVirtualizationMode(s, VirtualizationMode.HOST.code(), true))));
            alloc.put(f + " nvos21", FuzzCorpus.prefixed(selector, encoded(abi.struct(NvrmAbi.NVOS21),
                    s -> abi.alloc().encode(s, 0xC1D00001, 0xC1D00001, 0xCAF00002, NvClass.NV01_DEVICE_0, MemorySegment.NULL))));
        }
        int n = FuzzCorpus.check(getClass(), "configInfo", config) + FuzzCorpus.check(getClass(), "typeInfo", typeInfo)
                + FuzzCorpus.check(getClass(), "supportedTypes", types) + FuzzCorpus.check(getClass(), "probedIds", probed)
                + FuzzCorpus.check(getClass(), "virtualizationMode", mode) + FuzzCorpus.check(getClass(), "allocParameters", alloc);
        assertTrue(n >= 5 * FAMILIES.length, n + " seeds");
    }
}
