package io.mdevgpu.cli;

import io.mdevgpu.kernel.testing.Repository;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.IOException;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassModel;
import java.lang.classfile.CodeElement;
import java.lang.classfile.Instruction;
import java.lang.classfile.MethodModel;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The build step that rewrites picocli's Java 5 class files as Java 8 ones, so that the CLI's AOT cache keeps them
 * (mdevgpu-cli/src/build/java/UpgradeOldClassFiles.java): run as the build runs it, on a copy of the picocli jar the
 * tests use, which is the one Maven Central serves.
 */
class UpgradeOldClassFilesTest {
    private static final int JAVA_8 = 52;
    private static Path picocli;

    @BeforeAll
    static void findPicocli() throws Exception {
        picocli = Path.of(CommandLine.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        assertTrue(picocli.getFileName().toString().endsWith(".jar"), "picocli comes from its jar: " + picocli);
    }

    @Test
    void rewritesEveryOldClassAsAVerifiedJava8ClassWithTheSameCode(@TempDir Path dir) throws Exception {
        Path jar = Files.copy(picocli, dir.resolve(picocli.getFileName()));
        Files.setPosixFilePermissions(jar, PosixFilePermissions.fromString("rw-r--r--"));
        Map<String, byte[]> before = entries(jar);
        long old = before.entrySet().stream().filter(e -> isClass(e.getKey()) && major(e.getValue()) < 50).count();
        assertTrue(old > 100, "the picocli jar from Maven Central is compiled for Java 5: " + old + " old classes");

        String output = upgrade(dir);
        assertTrue(output.contains(picocli.getFileName() + ": " + old + " class files"), output);

        Map<String, byte[]> after = entries(jar);
        assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(jar)),
                "the jar keeps its permissions (an installed copy stays readable)");
        assertEquals(List.copyOf(before.keySet()), List.copyOf(after.keySet()), "the same entries, in the same order");
        ClassFile classFile = ClassFile.of();
        for (var e : before.entrySet()) {
            byte[] was = e.getValue(), is = after.get(e.getKey());
            if (!isClass(e.getKey()) || major(was) >= 50) {
                assertArrayEquals(was, is, e.getKey() + " is left as it was");
                continue;
            }
            assertEquals(JAVA_8, major(is), e.getKey());
            assertEquals(List.of(), classFile.verify(is), e.getKey() + " verifies");
            assertEquals(instructions(was), instructions(is), e.getKey() + " keeps every instruction of every method");
        }
        try (URLClassLoader loader = new URLClassLoader(new URL[]{jar.toUri().toURL()}, null)) {
            // Linking runs the JVM's own verifier over the new stack maps.
            Class<?> c = Class.forName("picocli.CommandLine", true, loader);
            assertEquals(jar.toUri().toURL(), c.getProtectionDomain().getCodeSource().getLocation());
        }
    }

    @Test
    void aSecondRunAndAJarWithoutOldClassesChangeNothing(@TempDir Path dir) throws Exception {
        Path jar = Files.copy(picocli, dir.resolve(picocli.getFileName()));
        upgrade(dir);
        byte[] once = Files.readAllBytes(jar);
        FileTime stamp = FileTime.fromMillis(1_000_000_000_000L);
        Files.setLastModifiedTime(jar, stamp);

        String output = upgrade(dir);

        assertEquals("", output.strip(), "nothing to say when nothing is old");
        assertArrayEquals(once, Files.readAllBytes(jar));
        assertEquals(stamp, Files.getLastModifiedTime(jar), "the jar is not rewritten");
        try (var leftovers = Files.list(dir)) {
            assertEquals(List.of(jar), leftovers.toList(), "no temporary file is left beside it");
        }
    }

    @Test
    void theSameInputGivesTheSameBytes(@TempDir Path dir) throws Exception {
        Path a = Files.createDirectory(dir.resolve("a")), b = Files.createDirectory(dir.resolve("b"));
        Files.copy(picocli, a.resolve("p.jar"));
        Files.copy(picocli, b.resolve("p.jar"));
        upgrade(a);
        upgrade(b);
        assertArrayEquals(Files.readAllBytes(a.resolve("p.jar")), Files.readAllBytes(b.resolve("p.jar")),
                "a reproducible build");
    }

    /** Runs the build step as the pom does: the JDK's source launcher on the file. */
    private static String upgrade(Path dir) throws IOException, InterruptedException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Path source = Repository.path("mdevgpu-cli/src/build/java/UpgradeOldClassFiles.java");
        Process p = new ProcessBuilder(java.toString(), source.toString(), dir.toString()).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) fail("the build step failed: " + output);
        return output;
    }

    private static Map<String, byte[]> entries(Path jar) throws IOException {
        Map<String, byte[]> all = new LinkedHashMap<>();
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(jar))) {
            for (ZipEntry e; (e = in.getNextEntry()) != null; ) all.put(e.getName(), in.readAllBytes());
        }
        return all;
    }

    private static boolean isClass(String name) {
        return name.endsWith(".class") && !name.endsWith("module-info.class");
    }

    private static int major(byte[] classBytes) {
        return ((classBytes[6] & 0xff) << 8) | (classBytes[7] & 0xff);
    }

    /** Each method's instructions by opcode and operands (labels and stack maps left out). */
    private static List<String> instructions(byte[] classBytes) {
        ClassModel model = ClassFile.of().parse(classBytes);
        List<String> all = new ArrayList<>();
        for (MethodModel m : model.methods()) {
            all.add(m.methodName().stringValue() + m.methodType().stringValue());
            m.code().ifPresent(code -> {
                for (CodeElement e : code) {
                    if (e instanceof Instruction i) all.add(describe(i));
                }
            });
        }
        return all;
    }

    private static String describe(Instruction i) {
        // Branch targets print as label identities, which differ between two parses: keep the opcode only for those.
        return switch (i) {
            case java.lang.classfile.instruction.BranchInstruction b -> b.opcode().name();
            case java.lang.classfile.instruction.TableSwitchInstruction t -> t.opcode().name() + t.lowValue() + ".." + t.highValue();
            case java.lang.classfile.instruction.LookupSwitchInstruction l -> l.opcode().name() + l.cases().size();
            default -> i.toString();
        };
    }
}
