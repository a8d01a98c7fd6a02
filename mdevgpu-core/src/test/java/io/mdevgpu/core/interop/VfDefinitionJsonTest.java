package io.mdevgpu.core.interop;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.UUID;

import io.mdevgpu.HostStateException;
import io.mdevgpu.PciAddress;
import io.mdevgpu.ValidationException;
import io.mdevgpu.core.config.StrictToml;
import org.junit.jupiter.api.Test;

class VfDefinitionJsonTest {
    static final UUID U = UUID.fromString("9ab1e3c4-5d6f-4a70-8b91-a2b3c4d5e6f7");
    static final PciAddress PF = PciAddress.parse("0000:41:00.0");
    static final PciAddress VF = PciAddress.parse("0000:41:00.4");
    static final VfDefinition PINNED = new VfDefinition(U, PF, Optional.of(VF), 1414, "NVIDIA H200X-1-18C", true,
            Optional.of("instance-0000002a"));
    static final String PINNED_TEXT = """
            {
              "schema": 1,
              "uuid": "9ab1e3c4-5d6f-4a70-8b91-a2b3c4d5e6f7",
              "pf": "0000:41:00.0",
              "vf": "0000:41:00.4",
              "type_id": 1414,
              "type_name": "NVIDIA H200X-1-18C",
              "start": "auto",
              "owner": "instance-0000002a"
            }
            """;

    static VfDefinition read(String text) {
        return VfDefinitionJson.read(text.getBytes(StandardCharsets.UTF_8), U, PF, "/etc/mdevgpu/vf.d/0000:41:00.0/" + U + ".json");
    }

    @Test
    void writesTheDocumentedFormatAndReadsItBack() {
        assertEquals(PINNED_TEXT, VfDefinitionJson.write(PINNED));
        assertEquals(PINNED, read(PINNED_TEXT));
        VfDefinition any = new VfDefinition(U, PF, Optional.empty(), 1414, "NVIDIA H200X-1-18C", false, Optional.empty());
        String text = VfDefinitionJson.write(any);
        assertFalse(text.contains("\"vf\"") || text.contains("\"owner\""), text);
        assertTrue(text.contains("\"start\": \"manual\"\n}\n"), text);
        assertEquals(any, read(text));
    }

    @Test
    void keysMayComeInAnyOrderAndOptionalOnesMayBeNull() {
        assertEquals(new VfDefinition(U, PF, Optional.empty(), 7, "T", true, Optional.empty()), read("""
                {"start": "auto", "type_name": "T", "type_id": 7, "vf": null, "owner": null,
                 "pf": "0000:41:00.0", "uuid": "9ab1e3c4-5d6f-4a70-8b91-a2b3c4d5e6f7", "schema": 1}"""));
    }

    @Test
    void textIsEscapedAndReadBack() {
        VfDefinition odd = new VfDefinition(U, PF, Optional.empty(), 7, "NVIDIA \"quoted\" \\ Ünïcode", true,
                Optional.of("dom<1>"));
        assertEquals(odd, read(VfDefinitionJson.write(odd)));
    }

    @Test
    void everyBrokenFileNamesTheFileAndKey() {
        String good = PINNED_TEXT;
        assertBad(good.replace("\"schema\": 1", "\"schema\": 2"), "key \"schema\"", "newer than this mdevgpu reads", "upgrade");
        assertBad(good.replace("\"schema\": 1", "\"schema\": 0"), "key \"schema\"", "must be 1");
        assertBad(good.replace("\"schema\": 1,\n", ""), "key \"schema\"", "is missing");
        assertBad(good.replace("\"type_id\": 1414", "\"type_id\": \"1414\""), "key \"type_id\"", "whole number");
        assertBad(good.replace("\"type_id\": 1414", "\"type_id\": 1414.5"), "key \"type_id\"", "whole number");
        assertBad(good.replace("\"type_id\": 1414", "\"type_id\": 0"), "type id");
        assertBad(good.replace("\"start\": \"auto\"", "\"start\": \"yes\""), "key \"start\"", "\"auto\" or \"manual\"");
        assertBad(good.replace("9ab1e3c4-5d6f-4a70-8b91-a2b3c4d5e6f7", "83b8f4f2-509f-382f-3c1e-e6bfe0fa1001"),
                "key \"uuid\"", "file is named for " + U);
        assertBad(good.replace("\"uuid\": \"9ab1e3c4-5d6f-4a70-8b91-a2b3c4d5e6f7\"", "\"uuid\": \"nope\""), "key \"uuid\"", "no UUID");
        assertBad(good.replace("\"pf\": \"0000:41:00.0\"", "\"pf\": \"0000:42:00.0\""), "key \"pf\"", "directory of " + PF);
        assertBad(good.replace("\"vf\": \"0000:41:00.4\"", "\"vf\": \"41:00.4\""), "key \"vf\"", "no PCI address");
        assertBad(good.replace("\"vf\": \"0000:41:00.4\"", "\"vf\": \"0000:41:00.0\""), "not the GPU itself");
        assertBad(good.replace("\"owner\": \"instance-0000002a\"", "\"owner\": 42"), "key \"owner\"", "string or absent");
        assertBad(good.replace("\"owner\": \"instance-0000002a\"", "\"owner\": \"a\\nb\""), "control characters");
        assertBad(good.replace("\"schema\": 1,", "\"schema\": 1, \"colour\": \"red\","), "key \"colour\"", "no key of schema 1");
        assertBad(good.replace("\"schema\": 1,", "\"schema\": 1, \"schema\": 1,"), "not JSON", "schema");
        assertBad(good + "{}", "not JSON");
        assertBad("[1, 2]", "not a JSON object");
        assertBad("", "not a JSON object");
        assertBad("\uFEFF" + good, "byte-order mark");
        assertBad(" ".repeat(StrictToml.MAX_BYTES) + good, "more than " + StrictToml.MAX_BYTES + " bytes");
    }

    @Test
    void bytesThatAreNotUtf8AreRefused() {
        byte[] bytes = PINNED_TEXT.replace("instance-0000002a", "instance-X").getBytes(StandardCharsets.UTF_8);
        int at = new String(bytes, StandardCharsets.UTF_8).indexOf('X');
        bytes[at] = (byte) 0xC3; // a lead byte without its continuation
        HostStateException e = assertThrows(HostStateException.class, () -> VfDefinitionJson.read(bytes, U, PF, "f.json"));
        assertTrue(e.getMessage().contains("f.json") && e.getMessage().contains("not UTF-8"), e.getMessage());
    }

    @Test
    void aDefinitionIsCheckedWhenMade() {
        assertThrows(ValidationException.class, () -> new VfDefinition(U, PF, Optional.of(PF), 1, "T", true, Optional.empty()));
        assertThrows(ValidationException.class, () -> new VfDefinition(U, PF, Optional.empty(), -1, "T", true, Optional.empty()));
        assertThrows(ValidationException.class, () -> new VfDefinition(U, PF, Optional.empty(), 1, " ", true, Optional.empty()));
        assertThrows(ValidationException.class, () -> new VfDefinition(U, PF, Optional.empty(), 1, "x".repeat(257), true, Optional.empty()));
        assertThrows(ValidationException.class, () -> new VfDefinition(U, PF, Optional.empty(), 1, "T", true, Optional.of(" a")));
        assertEquals("9ab1e3c4-5d6f-4a70-8b91-a2b3c4d5e6f7: 1414 NVIDIA H200X-1-18C on 0000:41:00.0 (VF 0000:41:00.4), "
                + "start auto, owner instance-0000002a", PINNED.toString());
    }

    @Test
    void theBuilderMakesTheSameDefinitionAndChecksIt() {
        VfDefinition built = VfDefinition.builder(U).pf(PF).vf(VF).type(1414, "NVIDIA H200X-1-18C").autoStart(true)
                .owner("instance-0000002a").build();
        assertEquals(PINNED, built);
        assertEquals(PINNED, PINNED.toBuilder().build());
        VfDefinition unpinned = PINNED.toBuilder().vf(null).owner(null).autoStart(false).build();
        assertEquals(new VfDefinition(U, PF, Optional.empty(), 1414, "NVIDIA H200X-1-18C", false, Optional.empty()), unpinned);
        ValidationException noPf = assertThrows(ValidationException.class, () -> VfDefinition.builder(U).type(1, "T").build());
        assertTrue(noPf.getMessage().contains("pf()"), noPf.getMessage());
        assertThrows(ValidationException.class, () -> VfDefinition.builder(U).pf(PF).build());
        assertThrows(ValidationException.class, () -> VfDefinition.builder(U).pf(PF).type(0, "T").build());
    }

    private static void assertBad(String text, String... parts) {
        HostStateException e = assertThrows(HostStateException.class, () -> read(text), text);
        assertTrue(e.getMessage().contains("/etc/mdevgpu/vf.d/0000:41:00.0/" + U + ".json"), e.getMessage());
        for (String part : parts) assertTrue(e.getMessage().contains(part), e.getMessage());
    }
}
