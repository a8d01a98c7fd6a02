package io.mdevgpu.core.host;

import io.mdevgpu.AlreadyExistsException;
import io.mdevgpu.Definitions;
import io.mdevgpu.Definitions.Definition;
import io.mdevgpu.MdevInstance;
import io.mdevgpu.NoSuchDeviceException;
import io.mdevgpu.PciAddress;
import io.mdevgpu.kernel.testing.Mdevctl;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;

import static io.mdevgpu.core.host.SimHosts.*;
import static org.junit.jupiter.api.Assertions.*;

/** Persistent definitions on the simulated host: mdevctl's files in its tree, started and stopped through the bus. */
class DefinitionsTest {
    static final UUID U = UUID.fromString("0b5f0e7c-2a6d-4c3e-8f11-7d9a4b2c6e01");

    @Test
    void defineStartStopUndefine() throws Exception {
        try (EngineHost host = open("default")) {
            host.plan(sample("open-vampere")).apply();
            Definitions defs = host.definitions();
            assertEquals(List.of(), defs.list());
            Definition d = defs.define(U, A100_2, "nvidia-532", true);
            Path file = host.kernel().mdevctlRoot().resolve("0000:65:00.0").resolve(U.toString());
            assertEquals("{\n  \"mdev_type\": \"nvidia-532\",\n  \"start\": \"auto\",\n  \"attrs\": []\n}", Files.readString(file));
            assertEquals(List.of(d), defs.list());
            assertEquals(List.of(), host.instances(), "defining starts nothing");
            assertThrows(AlreadyExistsException.class, () -> defs.define(U, A100_1, "nvidia-531", false));

            // Debian's mdevctl reads the simulated host's tree: the definition, and the types the apply published
            Path tree = sim(host).root();
            assertTrue(Mdevctl.run(tree, "list", "--defined").contains(U + " 0000:65:00.0 nvidia-532 auto"));
            assertTrue(Mdevctl.run(tree, "types").contains("Name: Open vAmpere/8"));

            MdevInstance started = defs.start(U);
            assertTrue(Mdevctl.run(tree, "list").contains(U + " 0000:65:00.0 nvidia-532"));
            assertEquals(U, started.uuid());
            assertEquals(PciAddress.parse("0000:65:00.0"), started.parent());
            assertEquals("nvidia-532", started.typeId());
            assertEquals(List.of(U), host.instances().stream().map(MdevInstance::uuid).toList());

            defs.stop(U);
            assertEquals(List.of(), host.instances());
            assertTrue(defs.get(U).isPresent(), "stop keeps the definition");
            defs.stop(U); // idempotent

            defs.undefine(U);
            assertFalse(Files.exists(file));
            assertThrows(NoSuchDeviceException.class, () -> defs.undefine(U));
            assertThrows(NoSuchDeviceException.class, () -> defs.start(U));
        }
    }
}
