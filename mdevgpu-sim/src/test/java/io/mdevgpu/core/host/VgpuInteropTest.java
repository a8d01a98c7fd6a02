package io.mdevgpu.core.host;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;

import io.mdevgpu.MdevHost;
import io.mdevgpu.PciAddress;
import io.mdevgpu.Vgpu;
import io.mdevgpu.sim.SimulatedHost;
import io.mdevgpu.sim.WithSimulatedHost;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;

/**
 * What a VM needs of a vGPU, through the public API on simulated hosts of both backends: libvirt's XML (well-formed,
 * naming the device) and QEMU's arguments in the documented forms, the mdev's sysfs path under the host's root.
 */
class VgpuInteropTest {
    private static final Path OPEN_VAMPERE =
            Path.of(System.getProperty("mdevgpu.repo", ".."), "samples/config/open-vampere.toml");

    /** The root element of {@code xml}, parsed by the JDK's parser with DTDs refused; fails the test when malformed. */
    static Element parse(String xml) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
        return f.newDocumentBuilder().parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)))
                .getDocumentElement();
    }

    @Test
    @WithSimulatedHost("default")
    void anMdevInstanceGoesToQemuByItsSysfsDirectoryUnderTheHostsRoot(MdevHost host, SimulatedHost sim)
            throws Exception {
        host.plan(OPEN_VAMPERE).apply();
        Vgpu vgpu = host.gpu("0000:65:00.0").create("nvidia-532");
        Path device = sim.root().resolve("sys/bus/mdev/devices").resolve(vgpu.uuid().toString()).toAbsolutePath();

        assertEquals(List.of("-device", "vfio-pci,sysfsdev=" + device), vgpu.qemuArgs(),
                "the kernel's and NVIDIA's form, no -uuid (that is the VM's own)");
        assertFalse(device.startsWith("/sys"), "a simulated host never names a device of the machine it runs on");
        assertTrue(Files.isDirectory(device), "the path is the instance's directory in the host's tree: " + device);
        // QEMU finds the group through <sysfsdev>/iommu_group, a link to /sys/kernel/iommu_groups/N
        Path group = Files.readSymbolicLink(device.resolve("iommu_group"));
        assertEquals(Integer.toString(vgpu.iommuGroup()), group.getFileName().toString());
        assertThrows(UnsupportedOperationException.class, () -> vgpu.qemuArgs().add("-S"), "unmodifiable");

        Element hostdev = parse(vgpu.hostdevXml());
        assertEquals("hostdev", hostdev.getTagName());
        assertEquals("mdev", hostdev.getAttribute("type"));
        assertEquals("vfio-pci", hostdev.getAttribute("model"));
        Element address = (Element) hostdev.getElementsByTagName("address").item(0);
        assertEquals(vgpu.uuid().toString(), address.getAttribute("uuid"));

        Element node = parse(vgpu.nodeDeviceXml());
        assertEquals("device", node.getTagName());
        assertEquals(vgpu.uuid().toString(), node.getElementsByTagName("uuid").item(0).getTextContent());
        assertEquals("nvidia-532", ((Element) node.getElementsByTagName("type").item(0)).getAttribute("id"));
        vgpu.remove();
    }

    @Test
    @WithSimulatedHost("sriov")
    void aVfsVgpuGoesToQemuAsTheVfWithItsUuid(MdevHost host, SimulatedHost sim) throws Exception {
        host.plan(OPEN_VAMPERE).apply();
        Vgpu vgpu = host.gpu("0000:17:00.0").create("532");
        PciAddress vf = vgpu.virtualFunction().orElseThrow();
        assertNotEquals(vgpu.parent(), vf);

        assertEquals(List.of("-uuid", vgpu.uuid().toString(), "-device", "vfio-pci,host=" + vf), vgpu.qemuArgs());
        Path currentType = sim.root().resolve("sys/bus/pci/devices/" + vf + "/nvidia/current_vgpu_type");
        assertEquals("532", Files.readString(currentType).strip(), "host= names the VF that holds the type");

        Element hostdev = parse(vgpu.hostdevXml());
        assertEquals("pci", hostdev.getAttribute("type"));
        assertEquals("no", hostdev.getAttribute("managed"));
        Element address = (Element) hostdev.getElementsByTagName("address").item(0);
        assertEquals(vf, PciAddress.parse(String.format("%04x:%02x:%02x.%x",
                Integer.decode(address.getAttribute("domain")), Integer.decode(address.getAttribute("bus")),
                Integer.decode(address.getAttribute("slot")), Integer.decode(address.getAttribute("function")))));

        Element node = parse(vgpu.nodeDeviceXml());
        String pciName = String.format("pci_%04x_%02x_%02x_%x", vf.domain(), vf.bus(), vf.slot(), vf.function());
        assertEquals(pciName, node.getElementsByTagName("name").item(0).getTextContent(),
                "the VF's node device, not the GPU's");
        vgpu.remove();
    }
}
