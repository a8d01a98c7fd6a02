package io.mdevgpu.kernel.nvrm;

import java.lang.foreign.MemorySegment;
import java.time.Duration;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.mdevgpu.DriverException;
import io.mdevgpu.Errno;
import io.mdevgpu.KernelException;
import io.mdevgpu.kernel.abi.nvrm.AllocParameters;
import io.mdevgpu.kernel.abi.nvrm.NVOS00_PARAMETERS;
import io.mdevgpu.kernel.abi.nvrm.NVOS54_PARAMETERS;
import io.mdevgpu.kernel.abi.nvrm.NvClass;
import io.mdevgpu.kernel.abi.nvrm.NvControl;
import io.mdevgpu.kernel.abi.nvrm.NvEscape;
import io.mdevgpu.kernel.abi.nvrm.NvStatus;
import io.mdevgpu.kernel.abi.nvrm.NvrmAbi;
import io.mdevgpu.kernel.abi.nvrm.NvrmRelease;

/**
 * The RM escapes of one {@link RmClient} on {@code /dev/nvidiactl}: ALLOC, CONTROL and FREE encoded into the client's
 * preallocated argument structs, sent, re-sent through EINTR and retry statuses with a bounded backoff, and their
 * status checked and turned into a typed error. The client's control plumbing; it counts nothing and owns no memory.
 */
final class RmEscapes {
    /** RmClient's logger, so that the TRACE line of each RM call keeps its category. */
    private static final Logger LOG = LoggerFactory.getLogger(RmClient.class);
    static final int EINTR = 4;

    private final RmTransport transport;
    private final RmClient.Settings settings;
    private final int ctlFd;
    private final NvrmRelease release;
    private final NvrmAbi abi;
    private final AllocParameters alloc;
    private final MemorySegment nvos21, nvos54, nvos00;
    /** The root client's handle: 0 until {@link #allocRoot} has allocated it. */
    private int hClient;
    /** How many attempts the last call that ended on a retry status made, and whether an interrupt ended it. */
    private int retryAttempts;
    private boolean retryInterrupted;

    RmEscapes(RmTransport transport, RmClient.Settings settings, int ctlFd, NvrmRelease release, NvrmAbi abi,
              MemorySegment nvos21, MemorySegment nvos54, MemorySegment nvos00) {
        this.transport = transport;
        this.settings = settings;
        this.ctlFd = ctlFd;
        this.release = release;
        this.abi = abi;
        this.alloc = abi.alloc();
        this.nvos21 = nvos21;
        this.nvos54 = nvos54;
        this.nvos00 = nvos00;
    }

    /** Allocates the root client object; its handle, as the driver chose it, which every later escape names. */
    int allocRoot(String ctlPath) {
        alloc.encode(nvos21, 0, 0, 0, NvClass.NV01_ROOT, MemorySegment.NULL);
        allocCall(NvClass.NV01_ROOT, ctlPath);
        hClient = alloc.hObjectNew(nvos21);
        return hClient;
    }

    /** Allocates {@code hNew} of {@code hClass} under {@code hParent}; {@code params} may be NULL. */
    void alloc(int hParent, int hNew, int hClass, MemorySegment params, String target) {
        alloc.encode(nvos21, hClient, hParent, hNew, hClass, params);
        allocCall(hClass, target);
    }

    private void allocCall(int hClass, String target) {
        check(call(abi.allocRequest(), nvos21, NvEscape.NV_ESC_RM_ALLOC, hClass, target), NvEscape.NV_ESC_RM_ALLOC, hClass, target);
    }

    /** Sends control {@code cmd} to {@code hObject}; {@code params} is its struct or NULL for none. */
    void control(int hObject, int cmd, MemorySegment params, String target) {
        check(tryControl(hObject, cmd, params, target), NvEscape.NV_ESC_RM_CONTROL, cmd, target);
    }

    /** As {@link #control}, but returns a failing status instead of throwing (retries and errno still apply). */
    int tryControl(int hObject, int cmd, MemorySegment params, String target) {
        NVOS54_PARAMETERS.hClient(nvos54, hClient);
        NVOS54_PARAMETERS.hObject(nvos54, hObject);
        NVOS54_PARAMETERS.cmd(nvos54, cmd);
        NVOS54_PARAMETERS.flags(nvos54, 0);
        NVOS54_PARAMETERS.params(nvos54, params);
        NVOS54_PARAMETERS.paramsSize(nvos54, (int) params.byteSize());
        return call(NvEscape.RM_CONTROL, nvos54, NvEscape.NV_ESC_RM_CONTROL, cmd, target);
    }

    void free(int hParent, int hObject, String target) {
        NVOS00_PARAMETERS.hRoot(nvos00, hClient);
        NVOS00_PARAMETERS.hObjectParent(nvos00, hParent);
        NVOS00_PARAMETERS.hObjectOld(nvos00, hObject);
        check(call(NvEscape.RM_FREE, nvos00, NvEscape.NV_ESC_RM_FREE, hObject, target), NvEscape.NV_ESC_RM_FREE, hObject, target);
    }

    private String controlName(int cmd) {
        return cmd == NvControl.NVA081_CTRL_CMD_VGPU_CONFIG_MDEV_REGISTER ? release.vgpuRegisterCommand() : NvControl.name(cmd);
    }

    /**
     * One RM ioctl on the control device, re-sent while the driver answers with a retry status (up to the
     * configured attempts, backing off). Returns the final status; throws only when the ioctl itself fails.
     */
    private int call(int request, MemorySegment arg, int escape, int what, String target) {
        long delay = settings.firstBackoff().toNanos();
        for (int attempt = 1; ; attempt++) {
            setStatus(escape, arg, 0);
            int r = ioctlRetryingEintr(transport, ctlFd, request, arg);
            if (r < 0) {
                throw KernelException.of(NvEscape.name(escape) + " " + subject(escape, what), target + " (ioctl 0x"
                        + Integer.toHexString(request) + ")", Errno.of(-r), ioctlFix(-r));
            }
            int status = status(escape, arg);
            if (LOG.isTraceEnabled()) {
                LOG.trace("{} {} on {}: {}", NvEscape.name(escape), subject(escape, what), target, NvStatus.describe(status));
            }
            if (!NvStatus.isRetry(status) || attempt >= settings.attempts()) {
                if (NvStatus.isRetry(status)) endRetries(attempt, false);
                return status;
            }
            LOG.debug("{} {} on {}: {}, attempt {} of {}", NvEscape.name(escape), subject(escape, what), target,
                    NvStatus.describe(status), attempt, settings.attempts());
            try {
                settings.sleeper().sleep(Duration.ofNanos(delay));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                endRetries(attempt, true);
                return status;
            }
            delay = Math.min(delay * 2, settings.maxBackoff().toNanos());
        }
    }

    private void endRetries(int attempts, boolean interrupted) {
        retryAttempts = attempts;
        retryInterrupted = interrupted;
    }

    private String subject(int escape, int what) {
        return switch (escape) {
            case NvEscape.NV_ESC_RM_ALLOC -> NvClass.name(what);
            case NvEscape.NV_ESC_RM_CONTROL -> controlName(what);
            default -> "0x" + Integer.toHexString(what);
        };
    }

    private void setStatus(int escape, MemorySegment arg, int status) {
        switch (escape) {
            case NvEscape.NV_ESC_RM_ALLOC -> alloc.status(arg, status);
            case NvEscape.NV_ESC_RM_CONTROL -> NVOS54_PARAMETERS.status(arg, status);
            default -> NVOS00_PARAMETERS.status(arg, status);
        }
    }

    private int status(int escape, MemorySegment arg) {
        return switch (escape) {
            case NvEscape.NV_ESC_RM_ALLOC -> alloc.status(arg);
            case NvEscape.NV_ESC_RM_CONTROL -> NVOS54_PARAMETERS.status(arg);
            default -> NVOS00_PARAMETERS.status(arg);
        };
    }

    /** One ioctl on {@code fd}, re-sent while it fails with EINTR; 0 or more, or {@code -errno}. */
    static int ioctlRetryingEintr(RmTransport transport, int fd, int request, MemorySegment arg) {
        int r;
        do {
            r = transport.ioctl(fd, request, arg);
        } while (r == -EINTR);
        return r;
    }

    /**
     * Throws for a failing status of {@code escape} on {@code what} (a class, command or handle); logs a warning
     * status. Builds its message only then, so that a successful call allocates nothing.
     */
    void check(int status, int escape, int what, String target) {
        if (status == NvStatus.NV_OK) return;
        String operation = NvEscape.name(escape) + " " + subject(escape, what);
        if (NvStatus.isWarning(status)) {
            LOG.info("{} on {}: {} (a warning; the call succeeded)", operation, target, NvStatus.describe(status));
            return;
        }
        String fix = statusFix(status, operation);
        if (NvStatus.isRetry(status)) {
            String attempts = retryAttempts + (retryAttempts == 1 ? " attempt" : " attempts");
            fix = retryInterrupted ? "the driver was busy and the retries were interrupted after " + attempts
                    + " (the thread's interrupt is kept); try again"
                    : "the driver stayed busy through " + attempts + "; try again later";
        }
        throw new DriverException(operation, target, status, NvStatus.name(status), fix);
    }

    private String statusFix(int status, String operation) {
        return switch (status) {
            case NvStatus.NV_ERR_INSUFFICIENT_PERMISSIONS ->
                    "run as root; a device object needs the GPU's /dev/nvidiaN held open by this process";
            case NvStatus.NV_ERR_INVALID_ARGUMENT, NvStatus.NV_ERR_INVALID_PARAM_STRUCT ->
                    "the driver rejected the " + abi.family() + " layout the library chose for release " + release
                            + "; if " + release + " is really loaded, report this with the output of 'mdevgpu abi'";
            case NvStatus.NV_ERR_NOT_SUPPORTED -> operation.contains("VGPU") || operation.contains("A081")
                    ? "this driver build does not implement vGPU configuration; install NVIDIA's vGPU host driver"
                    : null;
            case NvStatus.NV_ERR_GPU_IS_LOST, NvStatus.NV_ERR_RESET_REQUIRED -> "the GPU needs a reset or a reboot";
            case NvStatus.NV_ERR_IN_USE, NvStatus.NV_ERR_STATE_IN_USE ->
                    "vGPU instances or other clients are using the GPU; stop them first";
            default -> null;
        };
    }

    static String ioctlFix(int errno) {
        return switch (errno) {
            case 1, 13 -> "run as root (the NVIDIA device nodes are root's)";
            case 22 -> "the driver refused the argument size: the layout family does not match the loaded module";
            case 19, 6 -> "the NVIDIA driver is gone; reload it";
            default -> null;
        };
    }
}
