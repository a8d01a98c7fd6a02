package io.mdevgpu.core.host;

import io.mdevgpu.HostStateException;
import io.mdevgpu.PciAddress;
import io.mdevgpu.kernel.sysfs.HostLock;
import io.mdevgpu.kernel.sysfs.SysfsReader;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.UUID;

/**
 * Who holds each virtual function: unlike an mdev, whose UUID is its name, a VF is reused by one VM after another, so
 * the vGPU's UUID (QEMU's {@code -uuid}) is recorded beside it. The record of VF {@code 0000:65:00.4} is the file
 * {@code /run/mdevgpu/vf/0000:65:00.4} (one line, the UUID), replaced by rename; its lock is
 * {@code /run/lock/mdevgpu-vf-0000:65:00.4.lock}, held (between threads and processes, {@link HostLock}) for each
 * change of the VF, so two processes never take one VF. Both live under {@code /run}: VFs do not survive a reboot,
 * and neither do their records. For a host tree or a simulated host, {@code run/} sits beside its {@code sys/}.
 */
final class VfOwners {
    private final Path records;
    private final Path locks;

    VfOwners(Path sysfsRoot) {
        Path run = sysfsRoot.toAbsolutePath().normalize().resolveSibling("run");
        this.records = run.resolve("mdevgpu").resolve("vf");
        this.locks = run.resolve("lock");
    }

    /** Waits for the lock of {@code vf}. */
    HostLock lock(PciAddress vf) {
        Path file = locks.resolve("mdevgpu-vf-" + vf + ".lock");
        try {
            Files.createDirectories(locks);
            return HostLock.acquire(file);
        } catch (IOException e) {
            throw SysfsReader.failure("lock virtual function", file, e,
                    "nothing was changed; mdevgpu creates and locks this file (as root on a real host)");
        }
    }

    /** The UUID recorded as the owner of {@code vf}, if any. */
    Optional<UUID> owner(PciAddress vf) {
        Path file = records.resolve(vf.toString());
        try {
            String text = Files.readString(file, StandardCharsets.US_ASCII).strip();
            return Optional.of(UUID.fromString(text));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw SysfsReader.failure("read the owner record of virtual function", file, e,
                    "check the file's permissions; delete it if the VF holds no vGPU");
        } catch (IllegalArgumentException e) {
            throw new HostStateException("read the owner record of virtual function", file.toString(),
                    "it holds no UUID", "delete the file if the VF holds no vGPU (current_vgpu_type 0)", e);
        }
    }

    /** Records {@code owner} for {@code vf} (under its lock): written beside, then renamed over the record. */
    void record(PciAddress vf, UUID owner) {
        Path file = records.resolve(vf.toString());
        Path temporary = records.resolve("." + vf + ".new");
        try {
            Files.createDirectories(records);
            Files.writeString(temporary, owner + "\n", StandardCharsets.US_ASCII);
            try {
                Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw SysfsReader.failure("record the owner of virtual function", file, e,
                    "nothing was written to the VF; check that " + records + " is writable (root on a real host)");
        }
    }

    /** Deletes the record of {@code vf} (under its lock); none is no error. */
    void erase(PciAddress vf) {
        Path file = records.resolve(vf.toString());
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw SysfsReader.failure("delete the owner record of virtual function", file, e,
                    "delete the file by hand: the VF holds no vGPU now");
        }
    }

    @Override
    public String toString() {
        return "VF owner records in " + records;
    }
}
