package io.mdevgpu.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import io.mdevgpu.cli.LauncherScript.Result;
import io.mdevgpu.kernel.testing.Repository;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The runtime image the CLI runs on (packaging/make-runtime.sh) and the training that lists the lambda forms for its
 * classlist (packaging/bin/mdevgpu's MDEVGPU_FORMS_OUTPUT): with stand-ins for java and jlink, what each passes on,
 * and then once for real, that a command run on such a runtime with a cache trained on it spins no lambda form (on the
 * plain runtime the same `gpus` spins ten: the JDK's FFM initialisers' method handles, measured when this came).
 */
class RuntimeFormsTest {
    private static final String TRACE = """
            [LF_RESOLVE] java.lang.invoke.DirectMethodHandle$Holder invokeStatic LL_J (fail)
            [LF_RESOLVE] java.lang.invoke.Invokers$Holder linkToTargetMethod L_L (success)
            [LF_RESOLVE] java.lang.invoke.DirectMethodHandle$Holder invokeStatic LL_J (fail)
            [SPECIES_RESOLVE] java.lang.invoke.BoundMethodHandle$Species_LLJ (generated)
            [SPECIES_RESOLVE] java.lang.invoke.BoundMethodHandle$Species_L
            a verb's own line, not a form
            """;
    private static final List<String> FORMS = List.of(
            "@lambda-form-invoker [LF_RESOLVE] java.lang.invoke.DirectMethodHandle$Holder invokeStatic LL_J",
            "@lambda-form-invoker [LF_RESOLVE] java.lang.invoke.Invokers$Holder linkToTargetMethod L_L",
            "@lambda-form-invoker [SPECIES_RESOLVE] java.lang.invoke.BoundMethodHandle$Species_L",
            "@lambda-form-invoker [SPECIES_RESOLVE] java.lang.invoke.BoundMethodHandle$Species_LLJ");

    @TempDir
    Path tmp;

    @Test
    void theFormsTrainingKeepsEachResolvedFormOnceAsAClasslistLine() throws Exception {
        Path java = standInJava(tmp.resolve("java"), tmp.resolve("calls"), 0);
        Path forms = tmp.resolve("forms");
        assertEquals(0, launch(Map.of("MDEVGPU_JAVA", java.toString(), "MDEVGPU_FORMS_OUTPUT", forms.toString()),
                "/checkout"));
        assertEquals(FORMS, Files.readAllLines(forms));
        String call = Files.readString(tmp.resolve("calls")).strip();
        assertTrue(call.contains(" -Djava.lang.invoke.MethodHandle.TRACE_RESOLVE=true "), call);
        String host = call.replaceAll(".* --host (\\S+) /checkout$", "$1");
        assertTrue(call.endsWith("-m io.mdevgpu.cli/io.mdevgpu.cli.AotTraining --host " + host + " /checkout"), call);
        assertFalse(Files.exists(Path.of(host)), "the training host is removed");
        try (var left = Files.list(tmp)) {
            assertEquals(List.of(), left.filter(p -> p.getFileName().toString().startsWith("mdevgpu-forms")).toList());
        }
    }

    @Test
    void aFailedFormsTrainingFailsAndWritesNothing() throws Exception {
        Path java = standInJava(tmp.resolve("java"), tmp.resolve("calls"), 3);
        Path forms = tmp.resolve("forms");
        assertEquals(3, launch(Map.of("MDEVGPU_JAVA", java.toString(), "MDEVGPU_FORMS_OUTPUT", forms.toString())));
        assertFalse(Files.exists(forms));
    }

    @Test
    void makeRuntimeLinksTheModulesThenAddsTheFormsToItsClasslist() throws Exception {
        Path jdk = standInJdk(0);
        Path out = tmp.resolve("runtime");
        Result made = makeRuntime(jdk, out, "--strip-debug", "--compress", "zip-9");
        assertEquals(0, made.status(), made.output());
        assertEquals("--add-modules java.base,java.xml --no-header-files --no-man-pages --strip-debug --compress zip-9"
                + " --output " + out, Files.readString(jdk.resolve("jlink-call")).strip());
        List<String> classlist = Files.readAllLines(out.resolve("lib/classlist"));
        assertEquals("java/lang/Object", classlist.getFirst(), "the JDK's own list stays");
        assertEquals(FORMS, classlist.subList(1, classlist.size()));
    }

    @Test
    void makeRuntimeSaysWhenTheTrainingFailsOrJlinkIsMissing() throws Exception {
        Result failed = makeRuntime(standInJdk(3), tmp.resolve("runtime"));
        assertEquals(1, failed.status(), failed.output());
        assertTrue(failed.output().contains("the training that lists the CLI's lambda forms failed"), failed.output());

        Path jre = Files.createDirectories(tmp.resolve("jre/bin"));
        Result noJlink = makeRuntime(jre.getParent(), tmp.resolve("runtime2"));
        assertEquals(1, noJlink.status(), noJlink.output());
        assertTrue(noJlink.output().contains("has no bin/jlink (a JRE?): set JAVA_HOME to a JDK 25"), noJlink.output());
    }

    /**
     * The real thing: this JDK's jlink, the CLI's modules as built, the forms training, both caches trained on the
     * runtime, then {@code gpus} on a simulated host whose RM path initialises the JDK's FFM layouts: every class it
     * loads comes from the cache, no lambda form is spun.
     */
    @Test
    void aCommandOnTheRuntimeWithItsCacheSpinsNoLambdaForm() throws Exception {
        Path jdk = Path.of(System.getProperty("java.home"));
        Path runtime = tmp.resolve("runtime");
        String modulePath = builtModulePath();
        Result made = LauncherScript.run("packaging/make-runtime.sh",
                Map.of("JAVA_HOME", jdk.toString(), "MDEVGPU_MODULE_PATH", modulePath), List.of(runtime.toString()));
        assertEquals(0, made.status(), made.output());

        Map<String, String> env = Map.of("MDEVGPU_JAVA", runtime.resolve("bin/java").toString(),
                "MDEVGPU_MODULE_PATH", modulePath, "MDEVGPU_AOT_CACHE", tmp.resolve("mdevgpu.aot").toString());
        Map<String, String> training = new HashMap<>(env);
        training.put("MDEVGPU_AOT_OUTPUT", tmp.resolve("mdevgpu.aot").toString());
        Result trained = LauncherScript.run("packaging/bin/mdevgpu", training, List.of(Repository.path("").toString()));
        assertEquals(0, trained.status(), trained.output());

        List<String> gpus = List.of("--host", "sim@" + tmp.resolve("host"), "gpus");
        // the first run makes the kept host (reading its TOML inventory: not what the lean cache is for)
        Result first = LauncherScript.run("packaging/bin/mdevgpu", env, gpus);
        assertEquals(0, first.status(), first.output());
        Path loaded = tmp.resolve("class-load.log");
        Map<String, String> logged = new HashMap<>(env);
        logged.put("JDK_JAVA_OPTIONS", "-Xlog:class+load=info:file=" + loaded);
        Result again = LauncherScript.run("packaging/bin/mdevgpu", logged, gpus);
        assertEquals(0, again.status(), again.output());
        List<String> classes = Files.readAllLines(loaded);
        String rmClient = " io.mdevgpu.kernel.nvrm.RmClient source: shared objects file";
        assertTrue(classes.stream().anyMatch(l -> l.endsWith(rmClient)),
                "the RM client ran, from the cache");
        assertEquals(List.of(), classes.stream().filter(l -> l.contains("__JVM_LookupDefineClass__")).toList(),
                "classes spun at run time");
    }

    /**
     * The CLI's modules as this build made them, for the launcher: the dependencies' jars, and each module's jar (made
     * here from its classes when the build has not packaged it yet: the JVM caches no class from a directory).
     */
    private String builtModulePath() throws IOException {
        Pattern module = Pattern.compile(
                ".*/mdevgpu-(api|core|kernel|sim|cli)(/target/classes|-[^/]*(?<!-tests)\\.jar)$");
        Pattern dependency = Pattern.compile(".*/(jackson-[a-z-]+|slf4j-api)-[^/]*\\.jar$");
        List<String> path = new ArrayList<>();
        int modules = 0;
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (dependency.matcher(entry).matches()) path.add(entry);
            if (!module.matcher(entry).matches()) continue;
            modules++;
            if (entry.endsWith(".jar")) {
                path.add(entry);
                continue;
            }
            Path jar = tmp.resolve("modules/" + Path.of(entry).getParent().getParent().getFileName() + ".jar");
            Files.createDirectories(jar.getParent());
            int status = java.util.spi.ToolProvider.findFirst("jar").orElseThrow()
                    .run(System.out, System.err, "--create", "--file", jar.toString(), "-C", entry, ".");
            assertEquals(0, status, "jar of " + entry);
            path.add(jar.toString());
        }
        assertEquals(5, modules, "the five modules in " + path);
        return String.join(File.pathSeparator, path);
    }

    /** A java that writes down its arguments, prints {@link #TRACE} and exits with {@code status}. */
    private static Path standInJava(Path java, Path calls, int status) throws IOException {
        Files.createDirectories(java.getParent());
        Files.writeString(java, "#!/bin/sh\necho \"$*\" >> '" + calls + "'\ncat <<'EOF'\n" + TRACE + "EOF\n"
                + "exit " + status + "\n");
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        return java;
    }

    /** A JDK whose jlink writes down its arguments and makes an image of a stand-in java and a one-line classlist. */
    private Path standInJdk(int javaStatus) throws IOException {
        Path jdk = Files.createDirectories(tmp.resolve("jdk/bin"));
        Path template = standInJava(tmp.resolve("jdk/image-java"), tmp.resolve("calls"), javaStatus);
        Path jlink = jdk.resolve("jlink");
        Files.writeString(jlink, """
                #!/bin/sh
                echo "$*" > '%s'
                while [ "$1" != --output ]; do shift; done
                mkdir -p "$2/bin" "$2/lib"
                cp '%s' "$2/bin/java"
                echo java/lang/Object > "$2/lib/classlist"
                """.formatted(jdk.getParent().resolve("jlink-call"), template));
        Files.setPosixFilePermissions(jlink, PosixFilePermissions.fromString("rwxr-xr-x"));
        return jdk.getParent();
    }

    private Result makeRuntime(Path jdk, Path out, String... jlinkOptions) throws Exception {
        List<String> args = new ArrayList<>(List.of(out.toString()));
        args.addAll(List.of(jlinkOptions));
        Map<String, String> env = Map.of("JAVA_HOME", jdk.toString(), "TMPDIR", tmp.toString());
        return LauncherScript.run("packaging/make-runtime.sh", env, args);
    }

    private int launch(Map<String, String> env, String... args) throws Exception {
        Map<String, String> all = new HashMap<>(env);
        all.put("TMPDIR", tmp.toString());
        return LauncherScript.run("packaging/bin/mdevgpu", all, List.of(args)).status();
    }
}
