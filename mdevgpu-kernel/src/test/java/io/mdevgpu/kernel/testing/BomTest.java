package io.mdevgpu.kernel.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/**
 * {@code mdevgpu-bom} lists every published module of the reactor at the reactor's version, and nothing else;
 * the benchmark module is neither published nor listed.
 */
class BomTest {
    /** Reactor modules that are not published as libraries. */
    private static final List<String> UNPUBLISHED = List.of("mdevgpu-bench", "mdevgpu-bom");

    @Test
    void theBomListsEveryPublishedModuleAtTheReactorsVersion() throws IOException {
        String parent = Files.readString(Repository.path("pom.xml"));
        String bom = Files.readString(Repository.path("mdevgpu-bom/pom.xml"));
        List<String> published = new ArrayList<>(all("<module>([^<]+)</module>", parent));
        published.removeAll(UNPUBLISHED);

        assertEquals(first("<version>([^<]+)</version>", parent), first("<version>([^<]+)</version>", bom),
                "mdevgpu-bom's version is the parent's");
        assertEquals(published, all("<artifactId>(mdevgpu-[^<]+)</artifactId>", section(bom)),
                "mdevgpu-bom's dependencyManagement, in the reactor's order");
        assertEquals(published.size(), all("(<dependency>)", section(bom)).size(), "one entry per module");
        assertEquals(published.size(), all("(<version>\\$\\{project.version}</version>)", section(bom)).size(),
                "every entry at ${project.version}");
        assertFalse(section(bom).contains("<scope>") || section(bom).contains("<type>"), "every entry a plain jar");
    }

    @Test
    void theBenchmarksAreNeitherInstalledNorDeployed() throws IOException {
        String bench = Files.readString(Repository.path("mdevgpu-bench/pom.xml"));
        assertTrue(bench.contains("<maven.install.skip>true</maven.install.skip>"), "mdevgpu-bench installs");
        assertTrue(bench.contains("<maven.deploy.skip>true</maven.deploy.skip>"), "mdevgpu-bench deploys");
    }

    private static String section(String bom) {
        return bom.substring(bom.indexOf("<dependencyManagement>"), bom.indexOf("</dependencyManagement>"));
    }

    private static String first(String regex, String text) {
        Matcher m = Pattern.compile(regex).matcher(text.substring(text.indexOf("<artifactId>")));
        assertTrue(m.find(), regex);
        return m.group(1);
    }

    private static List<String> all(String regex, String text) {
        List<String> found = new ArrayList<>();
        Matcher m = Pattern.compile(regex).matcher(text);
        while (m.find()) found.add(m.group(1));
        return found;
    }
}
