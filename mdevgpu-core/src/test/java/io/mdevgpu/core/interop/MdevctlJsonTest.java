package io.mdevgpu.core.interop;

import io.mdevgpu.Definitions.Definition;
import io.mdevgpu.HostStateException;
import io.mdevgpu.PciAddress;
import io.mdevgpu.ValidationException;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.*;

class MdevctlJsonTest {
    static final UUID U = UUID.fromString("83b8f4f2-509f-382f-3c1e-e6bfe0fa1001");
    static final PciAddress P = PciAddress.parse("0000:65:00.0");

    @Test
    void writesWhatMdevctlWrites() {
        // serde_json::to_string_pretty of mdevctl's map (preserve_order): two spaces, ": ", no final newline
        assertEquals("{\n  \"mdev_type\": \"nvidia-531\",\n  \"start\": \"auto\",\n  \"attrs\": []\n}",
                MdevctlJson.write(new Definition(U, P, "nvidia-531", true, List.of())));
        assertEquals("""
                {
                  "mdev_type": "i915-GVTg_V5_4",
                  "start": "manual",
                  "attrs": [
                    {
                      "assign_adapter": "5"
                    },
                    {
                      "x\\"y": "a\\\\b\\n"
                    }
                  ]
                }""", MdevctlJson.write(new Definition(U, P, "i915-GVTg_V5_4", false,
                List.of(Map.of("assign_adapter", "5"), Map.of("x\"y", "a\\b\n")))));
    }

    @Test
    void readsBackWhatItWritesAndWhatMdevctlMayWrite() {
        Definition d = new Definition(U, P, "nvidia-531", false, List.of(Map.of("a", "1")));
        assertEquals(d, MdevctlJson.read(MdevctlJson.write(d), U, P, "f"));
        Definition lenient = MdevctlJson.read("{\"start\":\"auto\",\"extra\":1,\"mdev_type\":\"nvidia-1\",\"attrs\":null}", U, P, "f");
        assertEquals(new Definition(U, P, "nvidia-1", true, List.of()), lenient);
        assertFalse(MdevctlJson.read("{\"mdev_type\":\"t\",\"start\":\"manual\"}", U, P, "f").autoStart());
    }

    @Test
    void aFileMdevctlWouldRefuseIsAHostStateErrorNamingIt() {
        for (String bad : List.of("", "[]", "{\"start\":\"auto\"}", "{\"mdev_type\":1,\"start\":\"auto\"}",
                "{\"mdev_type\":\"t\",\"start\":\"auto\",\"attrs\":{}}", "{\"mdev_type\":\"t\",\"start\":\"auto\",\"attrs\":[{\"a\":\"1\",\"b\":\"2\"}]}",
                "{\"mdev_type\":\"t\",\"start\":\"auto\",\"attrs\":[{\"a\":1}]}", "{nope")) {
            HostStateException e = assertThrows(HostStateException.class, () -> MdevctlJson.read(bad, U, P, "/etc/mdevctl.d/x/y"), bad);
            assertTrue(e.getMessage().contains("/etc/mdevctl.d/x/y"), e.getMessage());
        }
    }

    @Test
    void aDefinitionThatCannotBeWrittenIsRefused() {
        assertThrows(ValidationException.class, () -> MdevctlJson.check(new Definition(U, P, "../etc", true, List.of())));
        assertThrows(ValidationException.class, () -> MdevctlJson.check(new Definition(U, P, "t", true, List.of(Map.of()))));
        assertThrows(ValidationException.class, () -> MdevctlJson.check(new Definition(null, P, "t", true, List.of())));
    }
}
