package io.mdevgpu.kernel.abi.nvrm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class NvStatusTest {

    @ParameterizedTest
    @CsvSource({"0x00,NV_OK", "0x03,NV_ERR_BUSY_RETRY", "0x0F,NV_ERR_GPU_IS_LOST", "0x17,NV_ERR_IN_USE",
            "0x1A,NV_ERR_INSUFFICIENT_RESOURCES", "0x1B,NV_ERR_INSUFFICIENT_PERMISSIONS", "0x1F,NV_ERR_INVALID_ARGUMENT",
            "0x33,NV_ERR_INVALID_OBJECT_HANDLE", "0x3A,NV_ERR_INVALID_PARAM_STRUCT", "0x40,NV_ERR_INVALID_STATE",
            "0x41,NV_ERR_INVALID_STRING_LENGTH", "0x51,NV_ERR_NO_MEMORY", "0x56,NV_ERR_NOT_SUPPORTED",
            "0x57,NV_ERR_OBJECT_NOT_FOUND", "0x5B,NV_ERR_OUT_OF_RANGE", "0x62,NV_ERR_RESET_REQUIRED",
            "0x63,NV_ERR_STATE_IN_USE", "0x66,NV_ERR_TIMEOUT_RETRY", "0x6A,NV_ERR_LIB_RM_VERSION_MISMATCH",
            "0x8A,NV_ERR_MC_FLA_OFFSET_TABLE_FULL", "0x8C,NV_ERR_DMA_XFER_FAILED", "0xFFFF,NV_ERR_GENERIC",
            "0x10001,NV_WARN_HOT_SWITCH", "0x10006,NV_WARN_NOTHING_TO_DO", "0x10009,NV_WARN_THRESHOLD_CROSSED"})
    void namesTheCodesOfTheHeader(String code, String name) {
        int c = Integer.decode(code);
        assertEquals(name, NvStatus.name(c));
        assertTrue(NvStatus.isKnown(c));
        assertEquals(name + " (0x" + Integer.toHexString(c) + ")", NvStatus.of(c).toString());
    }

    @ParameterizedTest
    @ValueSource(ints = {0x8D, 0x100, 0xFFFE, 0x10000, 0x1000A, -1, 0x7FFFFFFF, 0x80000000})
    void unknownCodesPrintAsHexAndNeverThrow(int code) {
        assertEquals("NV_STATUS 0x" + Integer.toHexString(code), NvStatus.name(code));
        assertEquals("NV_STATUS 0x" + Integer.toHexString(code), NvStatus.of(code).toString());
        assertFalse(NvStatus.isKnown(code));
        assertFalse(NvStatus.isSuccess(code));
        assertFalse(NvStatus.isRetry(code));
    }

    @Test
    void warningsAreSuccessesAndOnlyTwoCodesAskForARetry() {
        for (int c = 0x10001; c <= 0x10009; c++) {
            assertTrue(NvStatus.isWarning(c));
            assertTrue(NvStatus.isSuccess(c));
        }
        assertFalse(NvStatus.isWarning(0x10000));
        assertFalse(NvStatus.isWarning(0x1000A));
        assertFalse(NvStatus.isWarning(NvStatus.NV_OK));
        assertTrue(NvStatus.isSuccess(NvStatus.NV_OK));
        assertFalse(NvStatus.isSuccess(NvStatus.NV_ERR_GENERIC));
        int retries = 0;
        for (int c = 0; c <= 0xFFFF; c++) {
            if (NvStatus.isRetry(c)) retries++;
        }
        assertEquals(2, retries);
        assertTrue(NvStatus.of(0x03).isRetry());
        assertTrue(NvStatus.of(0x66).isRetry());
        assertFalse(NvStatus.of(0x65).isRetry()); // NV_ERR_TIMEOUT is final
    }

    @Test
    void everyCodeUpTo0x8cHasItsOwnName() {
        java.util.Set<String> names = new java.util.HashSet<>();
        for (int c = 0; c <= 0x8C; c++) {
            assertTrue(NvStatus.name(c).startsWith(c == 0 ? "NV_OK" : "NV_ERR_"), Integer.toHexString(c));
            assertTrue(names.add(NvStatus.name(c)), "duplicate " + NvStatus.name(c));
        }
    }
}
