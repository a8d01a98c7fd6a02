package io.mdevgpu.bench.scale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import io.mdevgpu.MdevInstance;
import org.junit.jupiter.api.Test;

class ListScaleBenchTest {
    @Test
    void listsEveryInstanceMadeInSetup() {
        ListScaleBench bench = new ListScaleBench();
        bench.instances = 10;
        bench.open();
        try {
            assertEquals(ListScaleBench.GPUS, bench.host.gpus().size());
            List<MdevInstance> listed = bench.list_mdevgpu();
            assertEquals(10, listed.size());
            assertEquals(10, listed.stream().map(MdevInstance::uuid).distinct().count());
            assertTrue(listed.stream().allMatch(i -> i.typeId().equals(ListScaleBench.TYPE_ID)
                    && i.parent().equals(bench.host.gpus().getFirst().address())), listed::toString);
        } finally {
            bench.close();
        }
    }

    @Test
    void moreInstancesThanRoomAreRefused() {
        ListScaleBench bench = new ListScaleBench();
        bench.instances = ListScaleBench.GPUS * ListScaleBench.PER_GPU + 1;
        assertThrows(IllegalArgumentException.class, bench::open);
    }
}
