package io.mdevgpu.sim;

import static io.mdevgpu.kernel.abi.nvrm.NvStatus.NV_ERR_INVALID_ARGUMENT;
import static io.mdevgpu.kernel.abi.nvrm.NvStatus.NV_OK;
import static io.mdevgpu.sim.SimHosts.A100_0;
import static io.mdevgpu.sim.SimHosts.A100_ID;
import static io.mdevgpu.sim.SimHosts.ampere;
import static io.mdevgpu.sim.SimHosts.defaultHost;
import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.GroupLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.mdevgpu.MdevType;
import io.mdevgpu.kernel.abi.nvrm.NvControl;
import io.mdevgpu.kernel.abi.nvrm.NvrmAbi;
import io.mdevgpu.kernel.abi.nvrm.VgpuTypeCodec;
import io.mdevgpu.kernel.testing.Repository;

/**
 * The simulated driver reads what the client sends at the layout table's offsets, not through the client's codec: a
 * client that encodes a type wrongly is caught, where a driver decoding with that same codec would read the mistake
 * back as the type meant. Each test-only client below has a bug its own decoder agrees with.
 */
class SimDecodesIndependentlyTest {

    /** A client whose SET_INFO encoding is the real codec's, then {@code bug}; {@code unbug} is its own decoder's fix-up. */
    private record BuggyClient(VgpuTypeCodec codec, GroupLayout params, Bug bug) {
        static BuggyClient of(NvrmAbi abi, Bug bug) {
            return new BuggyClient(abi.vgpuTypes().orElseThrow(), abi.struct(NvrmAbi.VGPU_CONFIG_INFO), bug);
        }

        long offset(String field) {
            return params.byteOffset(groupElement("vgpuInfo"), groupElement(field));
        }

        void encode(MemorySegment p, MdevType type) {
            codec.encodeConfigInfo(p, type, A100_ID, false);
            bug.apply(this, p, true);
        }

        /** What the buggy client's own decoder reads: its bug undone, so it round-trips. */
        MdevType decode(MemorySegment p) {
            MemorySegment copy = Arena.ofAuto().allocate(params);
            copy.copyFrom(p);
            bug.apply(this, copy, false);
            return codec.decodeConfigInfo(copy);
        }
    }

    private interface Bug {
        void apply(BuggyClient c, MemorySegment p, boolean encoding);
    }

    /** Framebuffer and reservation written at each other's offsets (and read back so). */
    private static final Bug SWAPPED_FRAMEBUFFER = (c, p, encoding) -> {
        long fb = c.offset("fbLength"), reserved = c.offset("fbReservation");
        long a = p.get(ValueLayout.JAVA_LONG, fb), b = p.get(ValueLayout.JAVA_LONG, reserved);
        p.set(ValueLayout.JAVA_LONG, fb, b);
        p.set(ValueLayout.JAVA_LONG, reserved, a);
    };

    /** The name written one byte past its field's start (and read from there). */
    private static final Bug NAME_ONE_BYTE_LATE = (c, p, encoding) -> {
        long name = c.offset("vgpuName");
        long size = ((java.lang.foreign.SequenceLayout) c.params.select(groupElement("vgpuInfo"), groupElement("vgpuName")))
                .byteSize();
        MemorySegment field = p.asSlice(name, size);
        byte[] bytes = field.toArray(ValueLayout.JAVA_BYTE);
        field.fill((byte) 0);
        if (encoding) MemorySegment.copy(bytes, 0, field, ValueLayout.JAVA_BYTE, 1, bytes.length - 1);
        else MemorySegment.copy(bytes, 1, field, ValueLayout.JAVA_BYTE, 0, bytes.length - 1);
    };

    private static SimNvidiaGpu a100(SimulatedKernel kernel) {
        return kernel.nvidia().gpus().stream().filter(g -> g.address().equals(A100_0)).findFirst().orElseThrow();
    }

    @ParameterizedTest
    @ValueSource(strings = {"535.43.02", "580.65.06", "595.45.04"})
    void whatTheClientEncodesRightTheDriverHolds(String version) {
        try (SimulatedKernel kernel = new SimulatedKernel(defaultHost(version), GuestConfigFactory.PLAIN_FOR_TESTS);
             RawRm raw = new RawRm(kernel.nvidia())) {
            int config = raw.vgpuConfig(a100(kernel));
            MdevType quarter = ampere().getFirst();
            assertEquals(NV_OK, raw.setInfo(config, quarter, true));
            VgpuTypeCodec codec = raw.abi.vgpuTypes().orElseThrow();
            assertEquals(List.of(codec.asHeld(quarter, A100_ID).orElseThrow()), kernel.nvidia().typeTable(a100(kernel).gpuId()));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"535.43.02", "580.65.06", "595.45.04"})
    void fieldsTheClientSwapsTheDriverHoldsSwapped(String version) {
        try (SimulatedKernel kernel = new SimulatedKernel(defaultHost(version), GuestConfigFactory.PLAIN_FOR_TESTS);
             RawRm raw = new RawRm(kernel.nvidia())) {
            int config = raw.vgpuConfig(a100(kernel));
            MdevType quarter = ampere().getFirst();
            MdevType meant = raw.abi.vgpuTypes().orElseThrow().asHeld(quarter, A100_ID).orElseThrow();
            BuggyClient client = BuggyClient.of(raw.abi, SWAPPED_FRAMEBUFFER);
            MemorySegment p = raw.params(NvrmAbi.VGPU_CONFIG_INFO);
            client.encode(p, quarter);
            assertEquals(meant, client.decode(p), "the buggy client's own decoder reads its mistake back as the type meant");

            assertEquals(NV_OK, raw.control(config, NvControl.NVA081_CTRL_CMD_VGPU_CONFIG_SET_INFO, p));
            List<MdevType> held = kernel.nvidia().typeTable(a100(kernel).gpuId());
            assertNotEquals(List.of(meant), held, "the driver must not mirror the client's mistake");
            assertEquals(List.of(meant.toBuilder().framebuffer(meant.reserved()).reserved(meant.framebuffer()).build()), held);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"535.43.02", "580.65.06"})
    void aNameTheClientWritesOneByteLateIsRefused(String version) {
        try (SimulatedKernel kernel = new SimulatedKernel(defaultHost(version), GuestConfigFactory.PLAIN_FOR_TESTS);
             RawRm raw = new RawRm(kernel.nvidia())) {
            int config = raw.vgpuConfig(a100(kernel));
            MdevType quarter = ampere().getFirst();
            BuggyClient client = BuggyClient.of(raw.abi, NAME_ONE_BYTE_LATE);
            MemorySegment p = raw.params(NvrmAbi.VGPU_CONFIG_INFO);
            client.encode(p, quarter);
            assertEquals(quarter.name(), client.decode(p).name(), "the buggy client reads its own name back");

            assertEquals(NV_ERR_INVALID_ARGUMENT, raw.control(config, NvControl.NVA081_CTRL_CMD_VGPU_CONFIG_SET_INFO, p),
                    "the driver reads an empty name at the compiler's offset");
            assertEquals(List.of(), kernel.nvidia().typeTable(a100(kernel).gpuId()));
        }
    }

    /** The driver's sources name no client codec, layout or binding class: what it decodes, it decodes by the tables. */
    @Test
    void theDriverReadsNothingThroughTheClientsCodecs() throws IOException {
        Pattern client = Pattern.compile("import io\\.mdevgpu\\.kernel\\.abi\\.nvrm\\.(NV|nv_|AllocParameters|Slot)"
                + "|\\.vgpuTypes\\(\\)|\\.vgpuTypeReader\\(\\)|\\.alloc\\(\\)|abi\\.struct\\(|abi\\.structs\\(\\)"
                + "|encodeProbedIds|encodeVirtualizationMode|VgpuTypeCodec\\.(?!LICENSE)");
        List<String> found = new ArrayList<>();
        try (Stream<Path> sources = Files.list(Repository.path("mdevgpu-sim/src/main/java/io/mdevgpu/sim"))) {
            for (Path source : sources.filter(f -> f.toString().endsWith(".java")).sorted().toList()) {
                List<String> lines = Files.readAllLines(source);
                for (int i = 0; i < lines.size(); i++) {
                    if (client.matcher(lines.get(i)).find()) found.add(source.getFileName() + ":" + (i + 1) + ": " + lines.get(i).strip());
                }
            }
        }
        assertEquals(List.of(), found);
        assertTrue(client.matcher("        VgpuTypeCodec codec = abi.vgpuTypes().orElseThrow();").find(), "the check can fail");
    }
}
