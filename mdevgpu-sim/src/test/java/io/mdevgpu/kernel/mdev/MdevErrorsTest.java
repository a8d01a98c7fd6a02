package io.mdevgpu.kernel.mdev;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Path;
import java.util.UUID;

import io.mdevgpu.AlreadyExistsException;
import io.mdevgpu.CapacityException;
import io.mdevgpu.DeviceBusyException;
import io.mdevgpu.Errno;
import io.mdevgpu.InvalidArgumentException;
import io.mdevgpu.KernelException;
import io.mdevgpu.NoSuchDeviceException;
import io.mdevgpu.PermissionDeniedException;
import io.mdevgpu.kernel.testing.FakeHost;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each errno of a failed create or remove: its own exception, and a message with the target and the fix. */
class MdevErrorsTest {
    static final UUID NEW = UUID.fromString("0e6b0cb1-0d50-4c52-9d4e-5b7b8a3c2d11");

    @TempDir
    Path root;
    FakeHost host;

    @BeforeEach
    void fakeHost() {
        host = FakeHost.create(root);
    }

    private KernelException create(String type, UUID uuid, Errno errno) {
        KernelException raw = KernelException.of("create mdev", host.layout.mdevCreate(FakeHost.H100, type).toString(), errno, null);
        KernelException e = MdevErrors.createFailure(host.layout, FakeHost.H100, type, uuid, raw);
        assertEquals(errno, e.errno());
        assertSame(raw, e.getCause());
        assertEquals("create mdev", e.operation());
        assertTrue(e.getMessage().startsWith("create mdev " + uuid + " of type " + type + " on parent 0000:00:06.0 ("
                + host.layout.mdevCreate(FakeHost.H100, type) + "): " + errno), e.getMessage());
        return e;
    }

    private KernelException remove(Errno errno) {
        KernelException raw = KernelException.of("remove mdev", "remove", errno, null);
        KernelException e = MdevErrors.removeFailure(host.layout, FakeHost.INSTANCE, raw);
        assertEquals(errno, e.errno());
        assertTrue(e.getMessage().startsWith("remove mdev " + FakeHost.INSTANCE + " (" + host.layout.mdevRemove(FakeHost.INSTANCE)
                + "): " + errno), e.getMessage());
        return e;
    }

    @Test
    void eexistNamesTheInstanceThatHasTheUuid() {
        KernelException e = create(FakeHost.Q80, FakeHost.INSTANCE, Errno.EEXIST);
        assertInstanceOf(AlreadyExistsException.class, e);
        assertEquals("UUID " + FakeHost.INSTANCE + " is taken (an mdev UUID is unique across every parent) by an instance"
                + " of type nvidia-529 on parent 0000:00:06.0; pick another UUID, or remove that instance first", e.fix().orElseThrow());
        // a UUID the racing creator took on a parent we cannot see: no owner named, still the fix
        assertTrue(create(FakeHost.Q80, NEW, Errno.EEXIST).fix().orElseThrow().endsWith(
                "(an mdev UUID is unique across every parent); pick another UUID, or remove that instance first"));
    }

    @Test
    void eusersAndEnospcSayNoneAreLeft() {
        for (Errno errno : new Errno[] {Errno.EUSERS, Errno.ENOSPC}) {
            KernelException e = create(FakeHost.Q80, NEW, errno);
            assertInstanceOf(CapacityException.class, e);
            assertEquals("no instances left of type nvidia-530 on parent 0000:00:06.0: available_instances is 0;"
                    + " remove an instance first", e.fix().orElseThrow());
        }
        // the count is read from the host, not assumed
        assertTrue(create(FakeHost.Q4, NEW, Errno.ENOSPC).fix().orElseThrow().contains("available_instances is 11;"));
    }

    @Test
    void einvalPointsAtTheDriversReason() {
        KernelException e = create(FakeHost.Q4, NEW, Errno.EINVAL);
        assertInstanceOf(InvalidArgumentException.class, e);
        assertTrue(e.fix().orElseThrow().contains("dmesg"), e.getMessage());
    }

    @Test
    void enodevAndEnoentSayWhatIsMissing() {
        for (Errno errno : new Errno[] {Errno.ENODEV, Errno.ENOENT}) {
            KernelException e = create(FakeHost.Q4, NEW, errno);
            assertInstanceOf(NoSuchDeviceException.class, e);
            // parent and type exist: the kernel says the parent is going away
            assertTrue(e.fix().orElseThrow().startsWith("parent 0000:00:06.0 or its type nvidia-529 is going away"), e.getMessage());
        }
    }

    @Test
    void eaccesAndEpermAskForRoot() {
        for (Errno errno : new Errno[] {Errno.EACCES, Errno.EPERM}) {
            KernelException e = create(FakeHost.Q4, NEW, errno);
            assertInstanceOf(PermissionDeniedException.class, e);
            assertEquals("creating an mdev writes to sysfs, which needs root: run as root", e.fix().orElseThrow());
            assertInstanceOf(PermissionDeniedException.class, remove(errno));
        }
    }

    @Test
    void otherErrnosKeepTheirNameWithoutAFix() {
        KernelException e = create(FakeHost.Q4, NEW, Errno.EIO);
        assertEquals(KernelException.class, e.getClass());
        assertTrue(e.fix().isEmpty());
    }

    @Test
    void removeErrnos() {
        assertInstanceOf(DeviceBusyException.class, remove(Errno.EBUSY));
        assertTrue(remove(Errno.EBUSY).fix().orElseThrow().contains("stop the VM"));
        assertInstanceOf(InvalidArgumentException.class, remove(Errno.EINVAL));
        assertTrue(remove(Errno.EAGAIN).fix().orElseThrow().contains("try again"));
        assertTrue(MdevErrors.meansGone(Errno.ENODEV));
        assertTrue(MdevErrors.meansGone(Errno.ENOENT));
        assertFalse(MdevErrors.meansGone(Errno.EAGAIN));
        assertFalse(MdevErrors.meansGone(Errno.EBUSY));
    }
}
