package io.mdevgpu.core.interop;

import io.mdevgpu.AlreadyExistsException;
import io.mdevgpu.Definitions.Definition;
import io.mdevgpu.HostStateException;
import io.mdevgpu.NoSuchDeviceException;
import io.mdevgpu.PciAddress;
import io.mdevgpu.core.config.StrictToml;
import io.mdevgpu.kernel.testing.FakeHost;
import io.mdevgpu.kernel.testing.H100Fixture;
import io.mdevgpu.kernel.testing.Mdevctl;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Definition files as others leave them (issue 12, items 14-17): too large, not UTF-8, one UUID under two parents, a
 * name in upper case.
 */
class MdevctlStoreFilesTest {
    static final UUID A = MdevctlStoreTest.A;
    static final PciAddress P = MdevctlStoreTest.P;
    static final PciAddress Q = MdevctlStoreTest.Q;
    static final String JSON = "{\"mdev_type\":\"nvidia-531\",\"start\":\"manual\",\"attrs\":[]}";

    @TempDir
    Path root;

    MdevctlStore store() {
        return new MdevctlStore(root.resolve("etc/mdevctl.d"));
    }

    Path file(PciAddress parent, String name) throws IOException {
        Path dir = root.resolve("etc/mdevctl.d").resolve(parent.toString());
        Files.createDirectories(dir);
        return dir.resolve(name);
    }

    /** Each way in that reads the files: list, get, define (which looks for the UUID), undefine. */
    static List<Consumer<MdevctlStore>> readers() {
        UUID other = UUID.fromString("11111111-2222-4333-8444-555555555555");
        return List.of(MdevctlStore::list, s -> s.get(other), s -> s.put(new Definition(other, Q, "nvidia-1", true,
                List.of()), false), s -> s.remove(other));
    }

    @Test
    void aDefinitionFileOverTheConfigurationCapIsRefusedNamingIt() throws IOException {
        Path huge = file(P, A.toString());
        try (RandomAccessFile f = new RandomAccessFile(huge.toFile(), "rw")) {
            f.setLength(3L << 30); // sparse: 3 GiB that take no disk
        }
        for (Consumer<MdevctlStore> reader : readers()) {
            HostStateException e = assertThrows(HostStateException.class, () -> reader.accept(store()));
            assertTrue(e.getMessage().contains(huge.toString()), e.getMessage());
            assertTrue(e.getMessage().contains("at most " + StrictToml.MAX_BYTES + " bytes"), e.getMessage());
        }
    }

    @Test
    void aDefinitionThatIsNotUtf8IsSaidSoWithItsByteOffset() throws IOException {
        Path bad = file(P, A.toString());
        byte[] bytes = JSON.replace("nvidia-531", "nvidia-531\u00e9").getBytes(StandardCharsets.UTF_8);
        int at = JSON.indexOf("531") + 3;
        bytes[at] = (byte) 0xFF; // the é's first byte
        Files.write(bad, bytes);
        HostStateException e = assertThrows(HostStateException.class, () -> store().list());
        assertTrue(e.getMessage().contains(bad.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("not UTF-8") && e.getMessage().contains("byte offset " + at), e.getMessage());
        assertFalse(e.getMessage().contains("EIO"), e.getMessage());
    }

    @Test
    void aUuidDefinedUnderTwoParentsIsListedTwiceAndChangedOnlyWithItsParentNamed() throws IOException {
        Files.writeString(file(P, A.toString()), JSON);
        Files.writeString(file(Q, A.toString()), JSON.replace("nvidia-531", "nvidia-1"));
        MdevctlStore store = store();
        assertEquals(List.of(Q, P), store.list().stream().map(Definition::parent).toList(), "both, by parent");

        HostStateException twice = assertThrows(HostStateException.class, () -> store.get(A));
        assertTrue(twice.getMessage().contains("0000:17:00.0") && twice.getMessage().contains("0000:65:00.0")
                && twice.getMessage().contains("name the parent"), twice.getMessage());
        assertThrows(HostStateException.class, () -> store.remove(A));
        assertThrows(AlreadyExistsException.class, () -> store.put(new Definition(A, P, "nvidia-532", true, List.of()), true));
        assertEquals(2, store.list().size(), "nothing was deleted or replaced");

        assertEquals("nvidia-1", store.get(A, Q).orElseThrow().typeId());
        assertEquals(Q, store.remove(A, Q).parent());
        assertFalse(Files.exists(file(Q, A.toString())));
        assertEquals(P, store.get(A).orElseThrow().parent(), "one left: no parent needed");
        assertThrows(NoSuchDeviceException.class, () -> store.remove(A, Q));
    }

    /**
     * mdevctl 1.2.0 keeps its files under lower-case UUIDs; one named in upper case it leaves out of {@code list
     * --defined} and {@code undefine} does not delete it (run below). The store skips such files likewise, so that no
     * verb sees a definition another cannot change.
     */
    @Test
    void anUpperCaseUuidFileIsSkippedAsMdevctlSkipsIt() throws Exception {
        FakeHost.create(root);
        Files.createDirectories(root.resolve("etc/mdevctl.d/scripts.d/callouts"));
        Files.createDirectories(root.resolve("etc/mdevctl.d/scripts.d/notifiers"));
        Path upper = file(H100Fixture.ADDRESS, A.toString().toUpperCase());
        Files.writeString(upper, JSON);
        MdevctlStore store = store();
        assertEquals(List.of(), store.list());
        assertTrue(store.get(A).isEmpty());
        assertThrows(NoSuchDeviceException.class, () -> store.remove(A));
        assertTrue(Files.exists(upper), "left as it is");

        assertFalse(Mdevctl.run(root, "list", "--defined").contains(A.toString()), "mdevctl lists it neither");
        Mdevctl.run(root, "undefine", "--uuid", A.toString());
        assertTrue(Files.exists(upper), "nor does mdevctl delete it");
    }
}
