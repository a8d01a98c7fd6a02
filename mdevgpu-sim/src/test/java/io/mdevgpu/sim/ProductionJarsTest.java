package io.mdevgpu.sim;

import static org.junit.jupiter.api.Assertions.*;

import io.mdevgpu.MdevHost;
import io.mdevgpu.core.host.EngineHost;
import io.mdevgpu.kernel.KernelPorts;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarFile;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * The production artifacts (mdevgpu-api, -kernel, -core) carry none of the simulator: no class of this module's
 * package, under any package, and nothing under a {@code sim} directory. Reads what the build made of each (its jar
 * or its classes directory).
 */
class ProductionJarsTest {
    @Test
    void theApiKernelAndCoreCarryNoSimulatorClass() throws IOException, URISyntaxException {
        Set<String> simulatorClasses = classesOf(SimulatedKernel.class).stream()
                .filter(c -> c.startsWith("io/mdevgpu/sim/"))
                .map(ProductionJarsTest::simpleName)
                .filter(name -> !name.equals("package-info.class") && !name.equals("module-info.class"))
                .collect(TreeSet::new, Set::add, Set::addAll);
        assertTrue(simulatorClasses.contains("SimulatedKernel.class"), simulatorClasses::toString);
        assertTrue(simulatorClasses.contains("SysfsTreeWriter.class"), simulatorClasses::toString);

        for (Class<?> production : List.of(MdevHost.class, KernelPorts.class, EngineHost.class)) {
            List<String> classes = classesOf(production);
            assertTrue(classes.contains(production.getName().replace('.', '/') + ".class"), production + " " + classes.size());
            List<String> simulator = classes.stream()
                    .filter(c -> c.contains("/sim/") || simulatorClasses.contains(simpleName(c)))
                    .toList();
            assertEquals(List.of(), simulator, "simulator classes in the artifact of " + production.getName());
        }
    }

    private static String simpleName(String entry) {
        return entry.substring(entry.lastIndexOf('/') + 1);
    }

    /** Every class file of the jar or directory {@code type} was loaded from, as jar entry names. */
    private static List<String> classesOf(Class<?> type) throws IOException, URISyntaxException {
        Path location = Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
        if (Files.isDirectory(location)) {
            try (Stream<Path> files = Files.walk(location)) {
                return files.filter(f -> f.toString().endsWith(".class"))
                        .map(f -> location.relativize(f).toString().replace('\\', '/'))
                        .toList();
            }
        }
        try (JarFile jar = new JarFile(location.toFile())) {
            return jar.stream().map(e -> e.getName()).filter(n -> n.endsWith(".class")).toList();
        }
    }
}
