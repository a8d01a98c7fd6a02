package io.mdevgpu.kernel.abi.vfio;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.StructLayout;
import java.lang.reflect.Field;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import io.mdevgpu.kernel.abi.CHeaderProbe;
import io.mdevgpu.kernel.sys.Ioctl;
import io.mdevgpu.kernel.testing.Required;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every binding of {@code abi.vfio} against gcc's own reading of {@code <linux/vfio.h>}. */
class VfioAbiTest {
    @TempDir
    static Path dir;

    private static CHeaderProbe probe;
    private static CHeaderProbe.Facts facts;

    /** Wrong on purpose: {@code size} and {@code offset} swapped, the way a hand-written offset goes wrong. */
    static final StructLayout SWAPPED_REGION_INFO = MemoryLayout.structLayout(
            JAVA_INT.withName("argsz"), JAVA_INT.withName("flags"), JAVA_INT.withName("index"),
            JAVA_INT.withName("cap_offset"), JAVA_LONG.withName("offset"), JAVA_LONG.withName("size"))
            .withName("vfio_region_info");
    /** Wrong for the 6.1 header: the 24-byte {@code vfio_device_info} of newer headers (a trailing pad). */
    static final StructLayout NEWER_DEVICE_INFO = MemoryLayout.structLayout(
            JAVA_INT.withName("argsz"), JAVA_INT.withName("flags"), JAVA_INT.withName("num_regions"),
            JAVA_INT.withName("num_irqs"), JAVA_INT.withName("cap_offset"), MemoryLayout.paddingLayout(4))
            .withName("vfio_device_info");

    @BeforeAll
    static void askTheCompiler() throws Exception {
        Required.tool("gcc", "gcc libc6-dev");
        probe = new CHeaderProbe("linux/vfio.h")
                .structs(VfioAbi.STRUCTS)
                .constantsOf(VfioIoctls.class)
                .constantsOf(VfioConstants.class);
        facts = probe.run(dir);
    }

    @Test
    void everyStructFieldIoctlAndConstantMatchesTheHeader() {
        List<String> wrong = probe.mismatches(facts);
        assertEquals(List.of(), wrong, "bindings disagree with <linux/vfio.h> " + facts.headerVersion());
    }

    @Test
    void theProbeCoversEverythingDeclared() {
        // 15 structs, their 56 fields (nested header fields included), 15 ioctls + VFIO_TYPE/BASE, every constant
        long structs = facts.values().keySet().stream().filter(k -> k.startsWith("struct ")).count();
        assertEquals(VfioAbi.STRUCTS.size(), structs);
        assertEquals(15, VfioAbi.STRUCTS.size());
        long ioctls = facts.values().keySet().stream().filter(k -> k.startsWith("const VFIO_") && isIoctl(k.substring(6))).count();
        assertEquals(15, ioctls);
        assertEquals(CHeaderProbe.constantFields(VfioConstants.class).size() + CHeaderProbe.constantFields(VfioIoctls.class).size(),
                facts.values().keySet().stream().filter(k -> k.startsWith("const ")).count());
        assertTrue(facts.values().containsKey("field vfio_region_info_cap_sparse_mmap header.next"));
        assertEquals("16 16", facts.get("flex vfio_region_info_cap_sparse_mmap areas"));
    }

    @Test
    void theHeaderIsBookwormsAndItsKnownSizesHold() {
        // Debian bookworm's linux-libc-dev is 6.1: vfio_device_info is 20 bytes there (24 with newer headers)
        assertEquals("6.1", facts.headerVersion(), "the bindings follow Debian bookworm's 6.1 <linux/vfio.h>");
        assertEquals(20, vfio_device_info.sizeof());
        assertEquals(32, vfio_region_info.sizeof());
        assertEquals(24, vfio_iommu_type1_info.sizeof());
        assertEquals(0x3B64, VfioIoctls.VFIO_GET_API_VERSION);
        assertEquals(0x3B72, VfioIoctls.VFIO_IOMMU_UNMAP_DMA);
    }

    @Test
    void aDeliberatelyWrongLayoutFailsTheComparison() throws Exception {
        CHeaderProbe wrong = new CHeaderProbe("linux/vfio.h")
                .structs(List.of(SWAPPED_REGION_INFO, NEWER_DEVICE_INFO))
                .constant("VFIO_TYPE1v2_IOMMU", 4)
                .constant("VFIO_DEVICE_GET_REGION_INFO", Ioctl.iowr(';', 108, 32))
                .constant("VFIO_DEVICE_API_PCI_STRING", "vfio_pci");
        List<String> found = wrong.mismatches(wrong.run(Files.createDirectories(dir.resolve("wrong"))));
        String all = String.join("\n", found);
        assertTrue(all.contains("vfio_region_info.offset (offset size): Java 16 8, C 24 8"), all);
        assertTrue(all.contains("vfio_region_info.size (offset size): Java 24 8, C 16 8"), all);
        assertTrue(all.contains("struct vfio_device_info (size align): Java 24 4, C 20 4"), all);
        assertTrue(all.contains("VFIO_TYPE1v2_IOMMU: Java 4 (0x4), C 3"), all);
        assertTrue(all.contains("VFIO_DEVICE_GET_REGION_INFO: Java"), all);
        assertTrue(all.contains("VFIO_DEVICE_API_PCI_STRING: Java vfio_pci, C vfio-pci"), all);
        assertEquals(6, found.size(), all);
    }

    @Test
    void aFieldTheHeaderLacksFailsTheCompilation() {
        StructLayout invented = MemoryLayout.structLayout(JAVA_INT.withName("argsz"), JAVA_INT.withName("flags"),
                JAVA_INT.withName("num_regions"), JAVA_INT.withName("num_irqs"), JAVA_INT.withName("cap_offset"),
                JAVA_INT.withName("pad")).withName("vfio_device_info");
        AssertionError e = assertThrows(AssertionError.class, () -> new CHeaderProbe("linux/vfio.h")
                .structs(List.of(invented)).run(Files.createDirectories(dir.resolve("invented"))));
        assertTrue(e.getMessage().contains("pad"), e.getMessage());
    }

    @Test
    void theIndexListsEveryStructClassOfThePackage() throws IOException, URISyntaxException, ReflectiveOperationException {
        Path pkg = Path.of(VfioAbi.class.getResource("VfioAbi.class").toURI()).getParent();
        Set<String> classes = new TreeSet<>();
        try (Stream<Path> files = Files.list(pkg)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".class") && !p.toString().contains("$")).toList()) {
                String name = f.getFileName().toString().replace(".class", "");
                Class<?> c = Class.forName(VfioAbi.class.getPackageName() + "." + name);
                try {
                    Field layout = c.getField("LAYOUT");
                    classes.add(((StructLayout) layout.get(null)).name().orElseThrow());
                    assertEquals(name, ((StructLayout) layout.get(null)).name().orElseThrow(), "class named as its C struct");
                } catch (NoSuchFieldException notAStruct) {
                    // VfioIoctls, VfioConstants, VfioAbi
                }
            }
        }
        Set<String> indexed = VfioAbi.STRUCTS.stream().map(s -> s.name().orElseThrow()).collect(Collectors.toCollection(TreeSet::new));
        assertEquals(classes, indexed);
    }

    @Test
    void ioctlNamesRoundTrip() {
        VfioIoctls.all().forEach((name, request) -> assertEquals(name, VfioIoctls.name(request)));
        assertEquals(15, VfioIoctls.all().size());
        assertEquals("0xc020462a (_IOWR('F', 0x2a, 32))", VfioIoctls.name(0xC020462AL));
    }

    private static boolean isIoctl(String name) {
        return VfioIoctls.all().containsKey(name);
    }
}
