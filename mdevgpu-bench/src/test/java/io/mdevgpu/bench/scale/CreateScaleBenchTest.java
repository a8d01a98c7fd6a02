package io.mdevgpu.bench.scale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.mdevgpu.MdevException;
import io.mdevgpu.MdevInstance;
import org.junit.jupiter.api.Test;

class CreateScaleBenchTest {
    @Test
    void createsTheLastInstanceAndLeavesTheGpuAsItFoundIt() {
        CreateScaleBench bench = new CreateScaleBench();
        bench.held = 47;
        bench.open();
        try {
            assertEquals(47, bench.gpu.instances().size());
            MdevInstance last = bench.create_mdevgpu();
            assertEquals(CreateScaleBench.TYPE_ID, last.typeId());
            assertEquals(48, bench.gpu.instances().size());
            // the GPU is full: one more is refused
            assertThrows(MdevException.class, () -> bench.gpu.create(CreateScaleBench.TYPE_ID));
            bench.removeCreated();
            assertEquals(47, bench.gpu.instances().size());
            bench.create_mdevgpu();
            bench.removeCreated();
            assertEquals(47, bench.gpu.instances().size(), "every invocation finds 47");
        } finally {
            bench.close();
        }
    }
}
