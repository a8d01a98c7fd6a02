package io.mdevgpu.bench.scale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Files;
import java.util.List;

import io.mdevgpu.ApplyResult;
import io.mdevgpu.SupportedType;
import org.junit.jupiter.api.Test;

class ApplyScaleBenchTest {
    private static List<String> types(ApplyScaleBench bench) {
        return bench.host.gpus().getFirst().types().stream().map(SupportedType::id).toList();
    }

    @Test
    void eachInvocationReplacesTheOpenVampereTypesWithTheOtherFour() {
        ApplyScaleBench bench = new ApplyScaleBench();
        bench.gpus = 1;
        bench.open();
        try {
            bench.planNext();
            ApplyResult first = bench.apply_mdevgpu();
            assertEquals(1, first.applied().size(), first::toString);
            assertEquals(List.of("nvidia-529", "nvidia-530", "nvidia-531", "nvidia-532"), types(bench));
            // the quarter is the sample's: 9536 MiB for the guest, 4 instances
            assertEquals("num_heads=1, frl_config=120, framebuffer=9536M, max_resolution=1024x1024, max_instance=4",
                    bench.host.gpus().getFirst().types().get(2).description());
            bench.planNext();
            assertEquals(1, bench.apply_mdevgpu().applied().size(), "changed again, not left as it was");
            assertEquals(List.of("nvidia-533", "nvidia-534", "nvidia-535", "nvidia-536"), types(bench));
        } finally {
            bench.close();
        }
        assertFalse(Files.exists(bench.dir), "the temporary directory is deleted");
    }
}
