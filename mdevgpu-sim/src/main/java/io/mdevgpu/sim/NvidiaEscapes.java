package io.mdevgpu.sim;

import java.lang.foreign.MemorySegment;

import io.mdevgpu.kernel.abi.nvrm.NvClass;
import io.mdevgpu.kernel.abi.nvrm.NvControl;
import io.mdevgpu.kernel.abi.nvrm.NvEscape;
import io.mdevgpu.sim.Faults.Failure;
import io.mdevgpu.kernel.sys.Ioctl;

/**
 * The simulated NVIDIA driver's escapes on {@code nvidiactl}: the dispatch of each (the size this release's struct
 * has, the faults, the RM calls handed to {@link NvidiaRmObjects} and {@link NvidiaControls}), the ones that are no
 * RM call (the version handshake, {@code NV_ESC_CARD_INFO}), and how each is described in the {@link Faults} log.
 */
final class NvidiaEscapes {
    private static final int EBADF = 9, EINVAL = 22;
    private final SimNvidiaDriver d;

    NvidiaEscapes(SimNvidiaDriver driver) {
        this.d = driver;
    }

    /** An escape on an open fd: sized as this release's struct, sent to {@code nvidiactl}, passed through the faults. */
    int ioctl(int fd, int request, MemorySegment arg) {
        int size = Ioctl.size(request);
        int nr = Ioctl.nr(request);
        boolean sized = Ioctl.type(request) == NvEscape.NV_IOCTL_MAGIC && arg.byteSize() >= size && switch (nr) {
            case NvEscape.NV_ESC_CHECK_VERSION_STR -> size == d.structs().versionSize;
            case NvEscape.NV_ESC_CARD_INFO -> size > 0 && size % d.structs().cardSize == 0;
            case NvEscape.NV_ESC_RM_ALLOC -> size == d.structs().allocSize;
            case NvEscape.NV_ESC_RM_CONTROL -> size == d.structs().controlSize;
            case NvEscape.NV_ESC_RM_FREE -> size == d.structs().freeSize;
            default -> false;
        };
        boolean control = nr == NvEscape.NV_ESC_RM_CONTROL && sized;
        int cmd = control ? (int) d.structs().controlCmd.get(arg, 0) : 0;
        if (control) d.controls.record(cmd);
        Failure f = d.faults.enter(control ? RmControl.of(cmd) : RmCall.ofEscape(nr, sized),
                d.faults.wantsText() ? describe(nr, sized, arg) : null);
        if (!d.ctlPath.equals(d.fds.get(fd))) return d.fds.containsKey(fd) ? -EINVAL : -EBADF;
        if (!sized) return -EINVAL;
        if (f != null && (!f.isStatus() || !carriesStatus(nr))) return -f.errnoOrEio();
        return switch (nr) {
            case NvEscape.NV_ESC_CHECK_VERSION_STR -> version(arg);
            case NvEscape.NV_ESC_CARD_INFO -> cardInfo(arg, size);
            case NvEscape.NV_ESC_RM_ALLOC -> {
                d.structs().allocStatus.put(arg, 0, f != null ? f.nvStatus() : d.objects.alloc(fd, arg));
                yield 0;
            }
            case NvEscape.NV_ESC_RM_CONTROL -> {
                if (f != null) {
                    d.structs().controlStatus.put(arg, 0, f.nvStatus());
                    yield 0;
                }
                d.store.enter(); // the type tables are the host's, shared with other processes
                try {
                    d.structs().controlStatus.put(arg, 0, d.controls.control(fd, arg));
                } finally {
                    d.store.exit();
                }
                yield 0;
            }
            default -> {
                d.structs().freeStatus.put(arg, 0, f != null ? f.nvStatus() : d.objects.free(arg));
                yield 0;
            }
        };
    }

    static boolean carriesStatus(int nr) {
        return nr == NvEscape.NV_ESC_RM_ALLOC || nr == NvEscape.NV_ESC_RM_CONTROL || nr == NvEscape.NV_ESC_RM_FREE;
    }

    String describe(int nr, boolean sized, MemorySegment arg) {
        if (!sized) return "IOCTL 0x" + Integer.toHexString(nr);
        return switch (nr) {
            case NvEscape.NV_ESC_CHECK_VERSION_STR -> {
                int cmd = (int) d.structs().versionCmd.get(arg, 0);
                yield "VERSION " + (cmd == NvEscape.NV_RM_API_VERSION_CMD_STRICT ? "strict" : String.valueOf((char) cmd));
            }
            case NvEscape.NV_ESC_CARD_INFO -> "CARD_INFO";
            case NvEscape.NV_ESC_RM_ALLOC -> "ALLOC " + NvClass.name((int) d.structs().allocClass.get(arg, 0)) + " 0x"
                    + Long.toHexString(d.structs().allocNew.get(arg, 0));
            case NvEscape.NV_ESC_RM_CONTROL -> "CONTROL " + NvControl.name((int) d.structs().controlCmd.get(arg, 0));
            default -> "FREE 0x" + Long.toHexString(d.structs().freeOld.get(arg, 0));
        };
    }

    int version(MemorySegment v) {
        int cmd = (int) d.structs().versionCmd.get(v, 0);
        d.structs().versionReply.put(v, 0, NvEscape.NV_RM_API_VERSION_REPLY_RECOGNIZED);
        if (cmd == NvEscape.NV_RM_API_VERSION_CMD_QUERY) {
            if (d.abi.versionQuery()) d.structs().versionString.putString(v, 0, d.claimedVersion);
            return 0; // before 535: "override", nothing written
        }
        String client = d.structs().versionString.getString(v, 0);
        String mine = d.release.version();
        boolean match = cmd == NvEscape.NV_RM_API_VERSION_CMD_RELAXED
                ? client.split("\\.", 2)[0].equals(mine.split("\\.", 2)[0]) : client.equals(mine);
        if (match) return 0;
        d.structs().versionReply.put(v, 0, NvEscape.NV_RM_API_VERSION_REPLY_UNRECOGNIZED);
        d.structs().versionString.putString(v, 0, mine);
        return -EINVAL;
    }

    int cardInfo(MemorySegment arg, int size) {
        DriverStructs s = d.structs();
        long slots = size / s.cardSize;
        arg.asSlice(0, size).fill((byte) 0);
        for (int i = 0; i < d.gpus.size() && i < slots; i++) {
            SimNvidiaGpu g = d.gpus.get(i);
            long card = i * s.cardSize, pci = card + s.cardPci.offset();
            s.cardValid.put(arg, card, 1);
            s.pciDomain.put(arg, pci, g.address().domain());
            s.pciBus.put(arg, pci, g.address().bus());
            s.pciSlot.put(arg, pci, g.address().slot());
            s.pciVendor.put(arg, pci, g.id().vendor());
            s.pciDevice.put(arg, pci, g.id().device());
            s.cardGpuId.put(arg, card, g.gpuId());
            s.cardMinor.put(arg, card, g.minor());
            SimNvidiaCard extra = d.cards.getOrDefault(g.gpuId(), SimNvidiaCard.NONE);
            s.cardIrq.put(arg, card, extra.interruptLine());
            s.cardRegAddress.put(arg, card, extra.registerBase());
            s.cardRegSize.put(arg, card, extra.registerSize());
            s.cardFbAddress.put(arg, card, extra.framebufferBase());
            s.cardFbSize.put(arg, card, extra.framebufferSize());
        }
        return 0;
    }
}
