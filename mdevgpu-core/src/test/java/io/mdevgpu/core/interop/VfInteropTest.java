package io.mdevgpu.core.interop;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.mdevgpu.PciAddress;
import io.mdevgpu.core.interop.VfInventory.Entry;
import io.mdevgpu.core.interop.VfInventory.State;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The VF generators (libvirt hostdev, QEMU arguments, inventory) and the examples of docs/vf-definitions.md. */
class VfInteropTest {
    static final UUID U = VfDefinitionJsonTest.U;
    static final UUID V = UUID.fromString("83b8f4f2-509f-482f-bc1e-e6bfe0fa1001");
    static final PciAddress PF = VfDefinitionJsonTest.PF;
    static final PciAddress VF = VfDefinitionJsonTest.VF;
    static final Path DOC = Path.of(System.getProperty("mdevgpu.repo", "..")).resolve("docs/vf-definitions.md");

    static final Entry ACTIVE = new Entry(PF, Optional.of(VF), 1414, Optional.of("NVIDIA H200X-1-18C"), Optional.of(U),
            State.ACTIVE, Optional.of("instance-0000002a"));
    static final Entry DEFINED = Entry.defined(new VfDefinition(V, PF, Optional.empty(), 1414, "NVIDIA H200X-1-18C",
            true, Optional.empty()));

    @Test
    void theHostdevOfAVfIsAnUnmanagedPciDeviceWithItsAddressSplit() throws Exception {
        String xml = LibvirtXml.pciHostdev(PciAddress.parse("0001:c1:1f.7"));
        Element hostdev = LibvirtXmlTest.parse(xml).getDocumentElement();
        assertEquals("hostdev", hostdev.getTagName());
        assertEquals("subsystem", hostdev.getAttribute("mode"));
        assertEquals("pci", hostdev.getAttribute("type"));
        assertEquals("no", hostdev.getAttribute("managed"));
        Element address = (Element) hostdev.getElementsByTagName("address").item(0);
        assertEquals("source", address.getParentNode().getNodeName());
        assertEquals("0x0001", address.getAttribute("domain"));
        assertEquals("0xc1", address.getAttribute("bus"));
        assertEquals("0x1f", address.getAttribute("slot"));
        assertEquals("0x7", address.getAttribute("function"));
    }

    @Test
    void qemuGetsTheUuidAndTheVfNotTheGpu() {
        assertEquals(List.of("-uuid", U.toString(), "-device", "vfio-pci,host=0000:41:00.4"), QemuArgs.vfVgpu(U, VF));
        assertThrows(NullPointerException.class, () -> QemuArgs.vfVgpu(null, VF));
    }

    @Test
    void theInventoryIsValidJsonWithEveryKeyInAFixedOrder() {
        String text = VfInventory.json(List.of(DEFINED, ACTIVE));
        assertEquals(text, VfInventory.json(List.of(ACTIVE, DEFINED)), "the order of the input does not matter");
        JsonNode root = JsonMapper.builder().build().readTree(text);
        assertEquals(1, root.get("schema").intValue());
        JsonNode first = root.get("vgpus").get(0);
        assertEquals("0000:41:00.4", first.get("vf").stringValue());
        assertEquals("active", first.get("state").stringValue());
        assertEquals(1414, first.get("type_id").intValue());
        JsonNode second = root.get("vgpus").get(1);
        assertTrue(second.get("vf").isNull(), "a definition that takes any VF comes last and has no VF");
        assertEquals("defined", second.get("state").stringValue());
        assertTrue(second.get("owner").isNull());
        assertEquals("{\n  \"schema\": 1,\n  \"vgpus\": []\n}\n", VfInventory.json(List.of()));
    }

    @Test
    void anActiveVgpuNamesItsVf() {
        assertThrows(IllegalArgumentException.class, () -> new Entry(PF, Optional.empty(), 1, Optional.empty(),
                Optional.empty(), State.ACTIVE, Optional.empty()));
    }

    @Test
    void theDocumentsExamplesAreWhatTheCodeWrites() throws IOException {
        String doc = Files.readString(DOC);
        List<String> json = blocks(doc, "json");
        assertEquals(VfDefinitionJson.write(VfDefinitionJsonTest.PINNED), json.get(0), "the definition file example");
        assertEquals(VfInventory.json(List.of(ACTIVE, DEFINED)), json.get(1), "the inventory example");
        assertEquals(LibvirtXml.pciHostdev(VF), blocks(doc, "xml").get(0), "the hostdev example");
        assertTrue(blocks(doc, "sh").get(0).contains(String.join(" ", QemuArgs.vfVgpu(U, VF))), "the QEMU example");
    }

    private static List<String> blocks(String markdown, String language) {
        List<String> out = new ArrayList<>();
        Matcher m = Pattern.compile("```" + language + "\n(.*?)```", Pattern.DOTALL).matcher(markdown);
        while (m.find()) out.add(m.group(1));
        return out;
    }
}
