package io.mdevgpu.kernel.mdev;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Which other processes hold a device open, read from their {@code /proc/<pid>/fd} links. The kernel blocks the
 * remove of an mdev instance until every fd of it is closed, so {@link LinuxMdevBus#remove} asks here first.
 *
 * <p>A group node ({@code /dev/vfio/12}) or a device node ({@code /dev/vfio/devices/vfio0}) names its device, so
 * its holders are certain. A device fd taken through a group is an anonymous inode, {@value #VFIO_DEVICE_FD},
 * which does not say whose device it is: processes holding one are only candidates. Best effort: processes that
 * exit while being read, or whose fds this user may not read, are skipped.
 */
final class ProcFds {
    /** What {@code readlink /proc/<pid>/fd/<n>} says for a VFIO device fd (6.1 and 6.12). */
    static final String VFIO_DEVICE_FD = "anon_inode:[vfio-device]";

    private final Path procRoot;
    private final long self;

    ProcFds(Path procRoot) {
        this.procRoot = procRoot;
        this.self = ProcessHandle.current().pid();
    }

    /** Processes other than this one with an fd whose link reads one of {@code targets}: {@code 1234 (qemu-system-x86)}. */
    List<String> holding(Set<String> targets) {
        List<String> holders = new ArrayList<>();
        if (targets.isEmpty()) return holders;
        try (DirectoryStream<Path> processes = Files.newDirectoryStream(procRoot, ProcFds::isPid)) {
            for (Path process : processes) {
                if (Long.parseLong(process.getFileName().toString()) != self && holds(process, targets)) {
                    holders.add(process.getFileName() + command(process));
                }
            }
        } catch (IOException | RuntimeException unreadable) {
            // no /proc (a fake tree without one, a sandbox): nobody is known to hold it
        }
        holders.sort(null);
        return holders;
    }

    private static boolean isPid(Path entry) {
        String name = entry.getFileName().toString();
        return !name.isEmpty() && name.length() < 19 && name.chars().allMatch(c -> c >= '0' && c <= '9');
    }

    private static boolean holds(Path process, Set<String> targets) {
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(process.resolve("fd"))) {
            for (Path fd : fds) {
                try {
                    if (targets.contains(Files.readSymbolicLink(fd).toString())) return true;
                } catch (IOException closed) {
                    // the fd was closed while we looked
                }
            }
        } catch (IOException | RuntimeException gone) {
            // exited, or not ours to read
        }
        return false;
    }

    /** {@code " (vfio-probe)"} from {@code /proc/<pid>/comm}, or nothing. */
    private static String command(Path process) {
        try {
            return " (" + Files.readString(process.resolve("comm")).strip() + ")";
        } catch (IOException | RuntimeException gone) {
            return "";
        }
    }
}
