package io.mdevgpu.core.interop;

import io.mdevgpu.PciAddress;
import io.mdevgpu.PciId;
import io.mdevgpu.SupportedType;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

import javax.xml.parsers.DocumentBuilderFactory;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.*;

class LibvirtXmlTest {
    static final UUID U = UUID.fromString("30820a6f-b1a5-4503-91ca-0c10ba58692a");
    static final PciAddress P = PciAddress.parse("0000:65:00.0");

    static Document parse(String xml) throws Exception {
        return DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void theParentNodeDeviceListsTheTypesAsLibvirtDoes() throws Exception {
        String xml = LibvirtXml.parentNodeDevice(P, PciId.parse("10de:20b0 10de:134f"), 0x030200, Optional.of("nvidia"),
                OptionalInt.of(101), List.of(new SupportedType("nvidia-531", "Open vAmpere/4 <&>", "d", "vfio-pci", 4),
                        new SupportedType("nvidia-532", "", "", "vfio-pci", 0)));
        Document doc = parse(xml);
        Element root = doc.getDocumentElement();
        assertEquals("device", root.getTagName());
        assertEquals("pci_0000_65_00_0", root.getElementsByTagName("name").item(0).getTextContent());
        assertEquals("101", root.getElementsByTagName("bus").item(0).getTextContent());
        assertEquals("0x030200", root.getElementsByTagName("class").item(0).getTextContent());
        assertEquals("0x20b0", ((Element) root.getElementsByTagName("product").item(0)).getAttribute("id"));
        Element types = (Element) root.getElementsByTagName("capability").item(1);
        assertEquals("mdev_types", types.getAttribute("type"));
        Element first = (Element) types.getElementsByTagName("type").item(0);
        assertEquals("nvidia-531", first.getAttribute("id"));
        assertEquals("Open vAmpere/4 <&>", first.getElementsByTagName("name").item(0).getTextContent());
        assertEquals("4", first.getElementsByTagName("availableInstances").item(0).getTextContent());
        assertEquals("vfio-pci", first.getElementsByTagName("deviceAPI").item(0).getTextContent());
        Element second = (Element) types.getElementsByTagName("type").item(1);
        assertEquals(0, second.getElementsByTagName("name").getLength(), "no name attribute, no <name>");
        assertEquals("101", ((Element) root.getElementsByTagName("iommuGroup").item(0)).getAttribute("number"));
    }

    @Test
    void aParentWithoutTypesHasNoMdevTypesCapability() throws Exception {
        Document doc = parse(LibvirtXml.parentNodeDevice(P, PciId.of(0x10de, 0x1eb8), 0x030200, Optional.empty(),
                OptionalInt.empty(), List.of()));
        assertEquals(1, doc.getElementsByTagName("capability").getLength());
        assertEquals(0, doc.getElementsByTagName("driver").getLength());
        assertEquals(0, doc.getElementsByTagName("iommuGroup").getLength());
    }

    @Test
    void theMdevNodeDeviceAndTheHostdevNameTheInstance() throws Exception {
        Document dev = parse(LibvirtXml.mdevNodeDevice(U, P, "nvidia-531", OptionalInt.of(7)));
        assertEquals("mdev_30820a6f_b1a5_4503_91ca_0c10ba58692a_0000_65_00_0",
                dev.getElementsByTagName("name").item(1 - 1).getTextContent());
        assertEquals("pci_0000_65_00_0", dev.getElementsByTagName("parent").item(0).getTextContent());
        assertEquals("nvidia-531", ((Element) dev.getElementsByTagName("type").item(0)).getAttribute("id"));
        assertEquals(U.toString(), dev.getElementsByTagName("uuid").item(0).getTextContent());
        assertEquals("0000:65:00.0", dev.getElementsByTagName("parent_addr").item(0).getTextContent());
        assertEquals("7", ((Element) dev.getElementsByTagName("iommuGroup").item(0)).getAttribute("number"));

        Element hostdev = parse(LibvirtXml.hostdev(U)).getDocumentElement();
        assertEquals("hostdev", hostdev.getTagName());
        assertEquals("subsystem", hostdev.getAttribute("mode"));
        assertEquals("mdev", hostdev.getAttribute("type"));
        assertEquals("vfio-pci", hostdev.getAttribute("model"));
        assertEquals(U.toString(), ((Element) hostdev.getElementsByTagName("address").item(0)).getAttribute("uuid"));
    }
}
