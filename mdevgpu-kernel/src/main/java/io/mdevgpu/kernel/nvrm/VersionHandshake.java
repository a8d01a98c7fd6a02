package io.mdevgpu.kernel.nvrm;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.mdevgpu.DriverException;
import io.mdevgpu.Errno;
import io.mdevgpu.KernelException;
import io.mdevgpu.UnsupportedDriverException;
import io.mdevgpu.ValidationException;
import io.mdevgpu.kernel.abi.nvrm.CStrings;
import io.mdevgpu.kernel.abi.nvrm.NvEscape;
import io.mdevgpu.kernel.abi.nvrm.NvStatus;
import io.mdevgpu.kernel.abi.nvrm.NvrmAbi;
import io.mdevgpu.kernel.abi.nvrm.NvrmRelease;
import io.mdevgpu.kernel.abi.nvrm.nv_ioctl_rm_api_version_t;

/**
 * The version handshake an {@link RmClient} opens with ({@code NV_ESC_CHECK_VERSION_STR}), which settles the running
 * release and so the layout family of every later escape.
 */
final class VersionHandshake {
    /** RmClient's logger, so that the handshake's warning keeps its category. */
    private static final Logger LOG = LoggerFactory.getLogger(RmClient.class);

    private VersionHandshake() {
    }

    /**
     * Learns the running release: from 535 the driver answers a QUERY with its version; before, the handshake is
     * strict, so the version comes from {@code /proc/driver/nvidia/version} and is sent back for the driver to
     * confirm.
     */
    static RmClient.Handshake shakeHands(RmTransport transport, RmClient.Settings settings, String ctlPath, int ctlFd) {
        Optional<NvrmRelease> fromProc = transport.readText(settings.procVersionPath()).map(NvrmRelease::fromProcVersion);
        fromProc.ifPresent(r -> NvrmAbi.forRelease(r, settings.procVersionPath())); // refuse an unknown release first
        boolean strict = fromProc.isPresent() && !NvrmAbi.forRelease(fromProc.get()).versionQuery();
        try (Arena call = Arena.ofConfined()) {
            MemorySegment v = call.allocate(nv_ioctl_rm_api_version_t.LAYOUT);
            long text = nv_ioctl_rm_api_version_t.versionString$offset();
            long capacity = nv_ioctl_rm_api_version_t.versionString$layout().byteSize();
            nv_ioctl_rm_api_version_t.cmd(v, strict ? NvEscape.NV_RM_API_VERSION_CMD_STRICT : NvEscape.NV_RM_API_VERSION_CMD_QUERY);
            if (strict) CStrings.write(v, text, capacity, fromProc.get().version());
            int r = RmEscapes.ioctlRetryingEintr(transport, ctlFd, NvEscape.CHECK_VERSION_STR, v);
            String answer = CStrings.read(v, text, capacity);
            if (r < 0) {
                String driverSays = strict && !answer.isEmpty() && !answer.equals(fromProc.get().version())
                        ? "; the driver reports " + answer : "";
                throw KernelException.of("NV_ESC_CHECK_VERSION_STR", ctlPath + " (ioctl 0x" + Integer.toHexString(NvEscape.CHECK_VERSION_STR) + ")",
                        Errno.of(-r), "the driver refused version " + (strict ? fromProc.get().version() : "query")
                                + driverSays + "; check that " + settings.procVersionPath() + " names the loaded module");
            }
            if (nv_ioctl_rm_api_version_t.reply(v) != NvEscape.NV_RM_API_VERSION_REPLY_RECOGNIZED) {
                throw new DriverException("NV_ESC_CHECK_VERSION_STR", ctlPath, NvStatus.NV_ERR_LIB_RM_VERSION_MISMATCH,
                        NvStatus.name(NvStatus.NV_ERR_LIB_RM_VERSION_MISMATCH),
                        "the driver did not recognize the version handshake (reply " + nv_ioctl_rm_api_version_t.reply(v) + ")");
            }
            int reply = nv_ioctl_rm_api_version_t.reply(v);
            if (strict) return new RmClient.Handshake("STRICT " + fromProc.get().version(), reply, answer, fromProc.get());
            if (answer.isEmpty()) {
                // before 535 command '2' overrides the check instead of answering: only /proc can tell
                throw new UnsupportedDriverException(ctlPath, "(unknown: the driver did not answer the version query and "
                        + settings.procVersionPath() + " is unreadable)", NvrmAbi.knownReleases());
            }
            NvrmRelease queried;
            try {
                queried = NvrmRelease.parse(answer);
            } catch (ValidationException e) {
                throw new UnsupportedDriverException(ctlPath, answer, NvrmAbi.knownReleases());
            }
            fromProc.filter(p -> !p.equals(queried)).ifPresent(p -> LOG.warn(
                    "{} names driver {} but the loaded module answers {}; using {}", settings.procVersionPath(), p, queried, queried));
            return new RmClient.Handshake("QUERY", reply, answer, queried);
        }
    }
}
