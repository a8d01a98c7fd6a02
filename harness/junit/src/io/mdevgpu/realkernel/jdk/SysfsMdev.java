package io.mdevgpu.realkernel.jdk;

import io.mdevgpu.DeviceInUseException;
import io.mdevgpu.Errno;
import io.mdevgpu.KernelException;
import io.mdevgpu.NoSuchDeviceException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/**
 * The mdev bus through sysfs: parents, types, instances, create and remove, with the kernel's errnos as the
 * api's typed exceptions. A JDK-only stand-in for the library's {@code io.mdevgpu.kernel.mdev} port.
 */
public final class SysfsMdev {
    public static final Path MDEV_BUS = Path.of("/sys/class/mdev_bus");
    public static final Path DEVICES = Path.of("/sys/bus/mdev/devices");

    /** One {@code mdev_supported_types/<id>} directory; mtty's types have no description. */
    public record TypeInfo(String parent, String id, Optional<String> name, Optional<String> description,
                           String deviceApi, int availableInstances) {}

    /** One instance under {@code /sys/bus/mdev/devices}. */
    public record Instance(UUID uuid, String parent, String typeId, int iommuGroup) {}

    private SysfsMdev() {}

    public static List<String> parents() {
        return names(MDEV_BUS);
    }

    public static List<TypeInfo> types(String parent) {
        return names(typesDir(parent)).stream().map(id -> type(parent, id)).toList();
    }

    public static TypeInfo type(String parent, String typeId) {
        Path dir = typesDir(parent).resolve(typeId);
        return new TypeInfo(parent, typeId, optionalAttribute(dir.resolve("name")),
                optionalAttribute(dir.resolve("description")), attribute(dir.resolve("device_api")),
                Integer.parseInt(attribute(dir.resolve("available_instances"))));
    }

    public static int availableInstances(String parent, String typeId) {
        return Integer.parseInt(attribute(typesDir(parent).resolve(typeId).resolve("available_instances")));
    }

    public static UUID create(String parent, String typeId, UUID uuid) {
        create(parent, typeId, uuid.toString());
        return uuid;
    }

    /** Writes {@code text} as it is to the type's {@code create}: for the kernel's parsing of odd input. */
    public static void create(String parent, String typeId, String text) {
        Syscalls.writeAttribute(typesDir(parent).resolve(typeId).resolve("create").toString(), text);
    }

    public static List<Instance> instances() {
        return names(DEVICES).stream().map(name -> instance(UUID.fromString(name)).orElseThrow()).toList();
    }

    public static Optional<Instance> instance(UUID uuid) {
        Path dir = DEVICES.resolve(uuid.toString());
        try {
            Path real = dir.toRealPath();
            String type = Files.readSymbolicLink(dir.resolve("mdev_type")).getFileName().toString();
            int group = Integer.parseInt(Files.readSymbolicLink(dir.resolve("iommu_group")).getFileName().toString());
            return Optional.of(new Instance(uuid, real.getParent().getFileName().toString(), type, group));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static int iommuGroup(UUID uuid) {
        return instance(uuid).orElseThrow(() -> KernelException.of("find the IOMMU group of mdev", uuid.toString(),
                Errno.ENOENT, "no such instance in " + DEVICES)).iommuGroup();
    }

    /**
     * Removes an instance. The kernel blocks a remove until every user-space holder lets go, so this
     * refuses instead: at once, without a syscall, when this process has it open; when another process
     * holds its VFIO group; and when the kernel has not finished within {@code timeout} (the pending
     * remove then completes once the holder closes it).
     *
     * @return false when the instance was already gone (another remover won)
     */
    public static boolean remove(UUID uuid, Duration timeout) {
        String target = uuid.toString();
        if (Vfio.isOpenInThisProcess(uuid)) {
            throw new DeviceInUseException("remove mdev", target, "close its VfioDevice first");
        }
        Optional<Instance> instance = instance(uuid);
        if (instance.isEmpty()) return false;
        List<Long> holders = groupHolders(instance.get().iommuGroup());
        if (!holders.isEmpty()) {
            throw new DeviceInUseException("remove mdev", target,
                    "process " + holders + " holds /dev/vfio/" + instance.get().iommuGroup() + " open");
        }
        CompletableFuture<Boolean> write = new CompletableFuture<>();
        Thread writer = new Thread(() -> {
            try {
                Syscalls.writeAttribute(DEVICES.resolve(target).resolve("remove").toString(), "1");
                write.complete(true);
            } catch (NoSuchDeviceException e) {   // ENOENT/ENODEV: another remover was first
                write.complete(false);
            } catch (RuntimeException e) {
                write.completeExceptionally(e);
            }
        }, "remove " + target);
        writer.setDaemon(true);
        writer.start();
        try {
            return write.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new DeviceInUseException("remove mdev", target,
                    "the kernel did not finish within " + timeout + "; a process still has it open");
        } catch (ExecutionException e) {
            throw (RuntimeException) e.getCause();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted removing " + target, e);
        }
    }

    /** Processes other than this one with {@code /dev/vfio/<group>} open. */
    public static List<Long> groupHolders(int group) {
        Path node = Path.of("/dev/vfio", Integer.toString(group));
        long self = ProcessHandle.current().pid();
        List<Long> holders = new ArrayList<>();
        for (String pid : names(Path.of("/proc"))) {
            if (!pid.chars().allMatch(Character::isDigit) || Long.parseLong(pid) == self) continue;
            try (Stream<Path> fds = Files.list(Path.of("/proc", pid, "fd"))) {
                if (fds.anyMatch(fd -> node.equals(readLinkQuietly(fd)))) holders.add(Long.parseLong(pid));
            } catch (IOException | UncheckedIOException e) {
                // the process exited, or is a kernel thread without fds: not a holder
            }
        }
        return holders;
    }

    private static Path readLinkQuietly(Path link) {
        try {
            return Files.readSymbolicLink(link);
        } catch (IOException e) {
            return null;
        }
    }

    private static Path typesDir(String parent) {
        return MDEV_BUS.resolve(parent).resolve("mdev_supported_types");
    }

    static List<String> names(Path dir) {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String attribute(Path file) {
        try {
            return Files.readString(file).strip();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Optional<String> optionalAttribute(Path file) {
        return Files.exists(file) ? Optional.of(attribute(file)) : Optional.empty();
    }
}
