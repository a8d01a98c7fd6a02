import java.io.IOException;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassFileVersion;
import java.lang.classfile.ClassHierarchyResolver;
import java.lang.classfile.ClassModel;
import java.lang.classfile.ClassTransform;
import java.lang.classfile.CodeTransform;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * Build step of mdevgpu-cli (run by the JDK's source launcher at {@code package}): rewrites the class files older than
 * Java 6 (major version below 50) in the jars of a directory as Java 8 class files with stack maps, verified.
 *
 * <p>Why: the JDK's AOT cache cannot keep a linked class of a version below 50 ("Skipping ...: Old class has been
 * linked"), so every such class is parsed and verified by the old type-inferring verifier on each start. picocli
 * 4.7.7 is compiled for Java 5: its 228 classes made up most of the CLI's start-up (issue 15, docs/benchmarks.md).
 * The rewrite changes no instruction: it sets the version and adds the StackMapTable the JVM needs from version 50 on.
 *
 * <p>Usage: {@code java UpgradeOldClassFiles.java DIR} (every {@code *.jar} in DIR). A jar with no old class is left
 * untouched (so a second run changes nothing); an upgraded jar keeps its entries, their order and times, and replaces
 * the old one atomically. Exits 1 naming the class when a rewritten class does not verify.
 */
public final class UpgradeOldClassFiles {
    private static final int FIRST_WITH_STACK_MAPS = 50;

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: java UpgradeOldClassFiles.java DIR_OF_JARS");
            System.exit(2);
        }
        List<Path> jars;
        try (Stream<Path> s = Files.list(Path.of(args[0]))) {
            jars = s.filter(p -> p.getFileName().toString().endsWith(".jar")).sorted().toList();
        }
        for (Path jar : jars) {
            int upgraded = upgrade(jar);
            if (upgraded > 0) {
                System.out.println("UpgradeOldClassFiles: " + jar.getFileName() + ": " + upgraded
                        + " class files from before Java 6 rewritten as Java 8 (with stack maps), so the AOT cache keeps them");
            }
        }
    }

    /** Rewrites {@code jar}'s old class files in place; returns how many, 0 when it has none (jar untouched). */
    static int upgrade(Path jar) throws IOException {
        List<ZipEntry> entries = new ArrayList<>();
        List<byte[]> contents = new ArrayList<>();
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(jar))) {
            for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
                entries.add(e);
                contents.add(in.readAllBytes());
            }
        }
        try (URLClassLoader jarOnly = new URLClassLoader(new URL[]{jar.toUri().toURL()}, null)) {
            // Stack maps need the common super class of two types: resolved from the JDK, then from the jar itself.
            ClassFile classFile = ClassFile.of(ClassFile.StackMapsOption.GENERATE_STACK_MAPS,
                    ClassFile.ClassHierarchyResolverOption.of(ClassHierarchyResolver.defaultResolver()
                            .orElse(ClassHierarchyResolver.ofResourceParsing(jarOnly))));
            ClassTransform toJava8 = (builder, element) -> {
                if (element instanceof ClassFileVersion) builder.withVersion(ClassFile.JAVA_8_VERSION, 0);
                else builder.with(element);
            };
            // A code transform that passes each element on makes the builder write the code anew, stack maps included.
            ClassTransform rewrite = toJava8.andThen(ClassTransform.transformingMethodBodies(
                    (CodeTransform) (code, element) -> code.with(element)));
            int upgraded = 0;
            for (int i = 0; i < entries.size(); i++) {
                String name = entries.get(i).getName();
                if (!name.endsWith(".class")) continue;
                ClassModel model = classFile.parse(contents.get(i));
                if (model.majorVersion() >= FIRST_WITH_STACK_MAPS) continue; // module-info is 53 or later: never old
                byte[] bytes = classFile.transformClass(model, rewrite);
                var errors = classFile.verify(bytes);
                if (!errors.isEmpty()) {
                    System.err.println("UpgradeOldClassFiles: " + jar + "!" + name + " does not verify once rewritten: "
                            + errors.getFirst().getMessage() + "; the jar is left as it was");
                    System.exit(1);
                }
                contents.set(i, bytes);
                upgraded++;
            }
            if (upgraded == 0) return 0;
            Path temp = Files.createTempFile(jar.getParent(), jar.getFileName().toString(), ".tmp");
            try {
                try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(temp))) {
                    for (int i = 0; i < entries.size(); i++) {
                        ZipEntry copy = new ZipEntry(entries.get(i).getName());
                        copy.setTime(entries.get(i).getTime());
                        out.putNextEntry(copy);
                        out.write(contents.get(i));
                        out.closeEntry();
                    }
                }
                // A temporary file is made 0600: the jar keeps its own permissions, so an installed copy stays readable.
                Files.setPosixFilePermissions(temp, Files.getPosixFilePermissions(jar));
                Files.move(temp, jar, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(temp);
            }
            return upgraded;
        }
    }
}
