package io.mdevgpu.realkernel;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static io.mdevgpu.realkernel.Library.BUS;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Issue 4: shows once that a failing guest test fails `harness/harness.sh ci`; removed right after. */
@ExtendWith(GuestVm.class)
class DeliberatelyFailingTest {
    @Test
    void theVmHasFourMdevParents() {
        assertEquals(4, BUS.parents().size(), "deliberately wrong: the VM has three");
    }
}
