package io.mdevgpu.kernel.testing;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.opentest4j.TestAbortedException;

class RequiredTest {
    @Test
    void aMissingToolSkipsOnADevelopersMachine() {
        TestAbortedException e = assertThrows(TestAbortedException.class,
                () -> Required.check(false, false, "mdevctl is not installed (apt-get install mdevctl)"));
        assertTrue(e.getMessage().contains("apt-get install mdevctl"), e.getMessage());
    }

    @Test
    void aMissingToolFailsUnderCi() {
        AssertionError e = assertThrows(AssertionError.class,
                () -> Required.check(false, true, "mdevctl is not installed (apt-get install mdevctl)"));
        assertEquals("CI=true and a test's requirement is missing: mdevctl is not installed (apt-get install mdevctl)",
                e.getMessage());
    }

    @Test
    void aPresentToolPassesEitherWay() {
        assertDoesNotThrow(() -> Required.check(true, true, "x"));
        assertDoesNotThrow(() -> Required.check(true, false, "x"));
    }

    @Test
    void findsAToolOnThePath() {
        assertTrue(Required.onPath("sh").isPresent());
        assertTrue(Required.onPath("no-such-tool-mdevgpu").isEmpty());
    }
}
