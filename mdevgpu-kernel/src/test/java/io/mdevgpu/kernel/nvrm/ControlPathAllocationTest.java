package io.mdevgpu.kernel.nvrm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.MemorySegment;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import io.mdevgpu.kernel.AllocationCounter;
import io.mdevgpu.kernel.abi.nvrm.CStrings;
import io.mdevgpu.kernel.abi.nvrm.NVOS54_PARAMETERS;
import io.mdevgpu.kernel.abi.nvrm.NvEscape;
import io.mdevgpu.kernel.abi.nvrm.NvStatus;
import io.mdevgpu.kernel.abi.nvrm.NvrmAbi;
import io.mdevgpu.kernel.abi.nvrm.nv_ioctl_card_info_t;
import io.mdevgpu.kernel.abi.nvrm.nv_ioctl_rm_api_version_t;
import io.mdevgpu.kernel.sys.Ioctl;

/**
 * An RM control through the whole client (buffers, status check, retry loop) allocates nothing once compiled.
 */
class ControlPathAllocationTest {

    /** Answers every call with success and allocates nothing itself: what is left is the client's. */
    private static final class QuietDriver implements RmTransport {
        @Override
        public int open(String path) {
            return 3;
        }

        @Override
        public int close(int fd) {
            return 0;
        }

        @Override
        public Optional<String> readText(String path) {
            return Optional.empty();
        }

        @Override
        public int ioctl(int fd, int request, MemorySegment arg) {
            switch (Ioctl.nr(request)) {
                case NvEscape.NV_ESC_CHECK_VERSION_STR -> {
                    nv_ioctl_rm_api_version_t.reply(arg, 1);
                    CStrings.write(arg, nv_ioctl_rm_api_version_t.versionString$offset(), 64, "580.65.06");
                }
                case NvEscape.NV_ESC_CARD_INFO -> {
                    nv_ioctl_card_info_t.valid(arg, (byte) 1);
                    nv_ioctl_card_info_t.gpu_id(arg, 0x100);
                }
                case NvEscape.NV_ESC_RM_ALLOC -> NvrmAbi.R580.alloc().hObjectNew(arg,
                        NvrmAbi.R580.alloc().hObjectNew(arg) == 0 ? 0xC1D00001 : NvrmAbi.R580.alloc().hObjectNew(arg));
                case NvEscape.NV_ESC_RM_CONTROL -> NVOS54_PARAMETERS.status(arg, NvStatus.NV_OK);
                default -> { }
            }
            return 0;
        }
    }

    @Test
    void aControlAllocatesNothingOnceWarm() throws Throwable {
        AllocationCounter counter = new AllocationCounter();
        try (RmClient rm = RmClient.newBuilder(new QuietDriver()).open(); RmGpu gpu = rm.openGpu(0x100)) {
            assertEquals(0, gpu.virtualizationMode());
            long allocated = counter.allocatedOnceWarm(30, () -> {
                for (int i = 0; i < 2_000; i++) {
                    gpu.virtualizationMode();
                }
            });
            assertEquals(0, allocated, "bytes allocated by 2000 GET_VIRTUALIZATION_MODE calls");
        }
    }
}
