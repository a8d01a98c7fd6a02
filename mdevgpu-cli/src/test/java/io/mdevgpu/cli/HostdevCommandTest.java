package io.mdevgpu.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Element;
import tools.jackson.databind.JsonNode;

/**
 * {@code mdevgpu hostdev UUID [--qemu | --nodedev]} on simulated hosts kept in a directory, of both backends: the
 * XML well-formed and naming the device, QEMU's arguments in the documented forms, bad input exit 2.
 */
class HostdevCommandTest {
    private static final UUID U = UUID.fromString("9ab1e3c4-5d6f-4a70-8b91-a2b3c4d5e6f7");

    private static String applied(Path dir, String inventory) {
        String host = "--host=sim" + inventory + "@" + dir.resolve("host");
        CliRun apply = CliRun.of(host, "apply", "-c", CliRun.repo("samples/config/open-vampere.toml").toString());
        assertEquals(Main.OK, apply.exitCode(), apply.all());
        return host;
    }

    private static Element parse(String xml) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
        return f.newDocumentBuilder().parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)))
                .getDocumentElement();
    }

    private static CliRun ok(String... args) {
        CliRun run = CliRun.of(args);
        assertEquals(Main.OK, run.exitCode(), run.all());
        return run;
    }

    private static List<String> strings(JsonNode array) {
        assertTrue(array.isArray(), array.toString());
        List<String> out = new ArrayList<>();
        array.forEach(a -> out.add(a.asString()));
        return out;
    }

    @Test
    void anMdevInstanceAsLibvirtAndQemuTakeIt(@TempDir Path dir) throws Exception {
        String host = applied(dir, "");
        ok(host, "create", "nvidia-532", "--parent", "0000:65:00.0", "--uuid", U.toString());

        CliRun hostdev = ok(host, "hostdev", U.toString());
        Element h = parse(hostdev.out());
        assertEquals("hostdev", h.getTagName());
        assertEquals("mdev", h.getAttribute("type"));
        assertEquals("no", h.getAttribute("managed"));
        assertEquals(U.toString(), ((Element) h.getElementsByTagName("address").item(0)).getAttribute("uuid"));

        Element node = parse(ok(host, "hostdev", U.toString(), "--nodedev").out());
        assertEquals("device", node.getTagName());
        assertEquals(U.toString(), node.getElementsByTagName("uuid").item(0).getTextContent());
        assertEquals("pci_0000_65_00_0", node.getElementsByTagName("parent").item(0).getTextContent());

        Path device = dir.resolve("host/sys/bus/mdev/devices").resolve(U.toString()).toAbsolutePath();
        List<String> qemu = List.of("-device", "vfio-pci,sysfsdev=" + device);
        assertEquals(qemu, ok(host, "hostdev", U.toString(), "--qemu").out().lines().toList(), "one argument a line");
        assertEquals(qemu, strings(ok(host, "--json", "hostdev", "--qemu", U.toString()).json()));
        assertEquals(hostdev.out(), ok(host, "--json", "hostdev", U.toString()).json().asString(),
                "the XML as one JSON string");
    }

    @Test
    void aVfsVgpuIsAnUnmanagedPciDeviceAndQemuGetsTheVf(@TempDir Path dir) throws Exception {
        String host = applied(dir, ":sriov");
        CliRun create = ok(host, "--json", "create", "532", "--parent", "0000:17:00.0", "--uuid", U.toString());
        String vf = create.json().get("vf").asString();
        assertEquals("0000:17:00.4", vf);

        Element h = parse(ok(host, "hostdev", U.toString()).out());
        assertEquals("pci", h.getAttribute("type"));
        assertEquals("no", h.getAttribute("managed"), "the VF stays bound to nvidia: libvirt must not re-bind it");
        Element address = (Element) h.getElementsByTagName("address").item(0);
        assertEquals(List.of("0x0000", "0x17", "0x00", "0x4"), List.of(address.getAttribute("domain"),
                address.getAttribute("bus"), address.getAttribute("slot"), address.getAttribute("function")));

        Element node = parse(ok(host, "hostdev", "--nodedev", U.toString()).out());
        assertEquals("pci_0000_17_00_4", node.getElementsByTagName("name").item(0).getTextContent(),
                "the VF's, not the GPU's");

        List<String> qemu = List.of("-uuid", U.toString(), "-device", "vfio-pci,host=" + vf);
        assertEquals(qemu, ok(host, "hostdev", "--qemu", U.toString()).out().lines().toList());
        assertEquals(qemu, strings(ok(host, "hostdev", "--qemu", "--json", U.toString()).json()));
    }

    @Test
    void anUnknownUuidOrTwoFormsAreBadInput(@TempDir Path dir) {
        String host = applied(dir, "");
        CliRun unknown = CliRun.of(host, "hostdev", "--qemu", U.toString());
        assertEquals(Main.BAD_INPUT, unknown.exitCode(), unknown.all());
        assertTrue(unknown.err().contains(U.toString()) && unknown.err().contains("`mdevgpu list` shows them"),
                unknown.err());
        assertEquals("", unknown.out());

        CliRun both = CliRun.of(host, "hostdev", "--qemu", "--nodedev", U.toString());
        assertEquals(Main.BAD_INPUT, both.exitCode(), both.all());
        assertTrue(both.err().contains("mutually exclusive"), both.err());
        assertEquals(Main.BAD_INPUT, CliRun.of(host, "hostdev", "not-a-uuid").exitCode());
    }

    @Test
    void anUnknownUuidOnAnSriovHostIsNoActiveVgpuNotAnMdevInstance(@TempDir Path dir) {
        String host = applied(dir, ":sriov");
        CliRun unknown = CliRun.of(host, "remove", U.toString());
        assertEquals(Main.BAD_INPUT, unknown.exitCode(), unknown.all());
        assertTrue(unknown.err().contains("no active vGPU (mdev instance or VF vGPU) has this UUID"), unknown.err());
    }
}
