package io.mdevgpu.bench.nvrm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;

import io.mdevgpu.MdevType;
import io.mdevgpu.kernel.abi.nvrm.NvClass;
import io.mdevgpu.kernel.abi.nvrm.NvrmAbi;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.openjdk.jmh.annotations.Param;

class RmCodecBenchTest {
    static List<String> families() throws NoSuchFieldException {
        return Arrays.asList(RmCodecBench.class.getField("family").getAnnotation(Param.class).value());
    }

    @Test
    void everyFamilyWithAVgpuCodecIsBenchmarkedAndNoOther() throws Exception {
        List<String> withCodec = Arrays.stream(NvrmAbi.values()).filter(a -> a.vgpuTypes().isPresent()).map(Enum::name).toList();
        assertEquals(withCodec, families());
        assertTrue(!families().contains("R515"), "515's headers have no vGPU config layout");
    }

    @ParameterizedTest
    @MethodSource("families")
    void encodeThenDecodeGivesTheTypeBackAndTheAllocIsEncoded(String family) {
        RmCodecBench bench = new RmCodecBench();
        bench.family = family;
        bench.open();
        try {
            bench.encodeConfigInfo_mdevgpu();
            assertEquals(-1, bench.setInfo.mismatch(bench.encoded), "the row writes what setup encoded");
            MdevType decoded = bench.decodeConfigInfo_mdevgpu();
            assertEquals(RmCodecBench.TYPE.number(), decoded.number());
            assertEquals(RmCodecBench.TYPE.name(), decoded.name());
            assertEquals(RmCodecBench.TYPE.framebuffer(), decoded.framebuffer());
            assertEquals(RmCodecBench.TYPE.reserved(), decoded.reserved());
            assertEquals(RmCodecBench.TYPE.display(), decoded.display());
            assertEquals(RmCodecBench.TYPE.guestPciId(), decoded.guestPciId());

            assertEquals(0, bench.allocEncode_mdevgpu(), "status cleared");
            var alloc = NvrmAbi.valueOf(family).alloc();
            assertEquals(NvClass.NV20_SUBDEVICE_0, alloc.hClass(bench.nvos21));
            assertEquals(0x5c000002, alloc.hObjectNew(bench.nvos21));
            assertEquals(bench.subdeviceParams.address(), alloc.pAllocParms(bench.nvos21).address());
        } finally {
            bench.close();
        }
    }

    @Test
    void aFamilyWithoutACodecIsRefused() {
        RmCodecBench bench = new RmCodecBench();
        bench.family = "R515";
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, bench::open);
        assertTrue(e.getMessage().contains("R515"), e.getMessage());
        bench.family = "R999";
        assertThrows(IllegalArgumentException.class, bench::open);
    }
}
