package io.mdevgpu.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The training run behind the launcher's start-up cache ({@code MDEVGPU_AOT_OUTPUT}, packaging/README.md): the verbs
 * an operator runs most, on a throw-away simulated host, so that the JVM records the classes they load and link. Its
 * output is discarded; it exits 0 when every verb did, so a broken build does not leave a cache that hides it.
 */
public final class AotTraining {
    private AotTraining() {
    }

    public static void main(String[] args) throws IOException {
        Path dir = Files.createTempDirectory("mdevgpu-aot-");
        String host = "--host=sim@" + dir;
        try {
            PrintWriter discard = new PrintWriter(Writer.nullWriter());
            int failed = 0;
            String config = sample(args, "samples/config/open-vampere.toml");
            // a vGPU to hand to a VM needs the sample's types: without the sample, its verbs are left out with apply
            String vgpu = config == null ? null : "00000000-0000-4000-8000-000000000a07";
            // the reading verbs run on a host with a vGPU and its definition, as on most hosts: the lambdas and
            // classes of their per-instance paths are then in the cache too (otherwise made at every start)
            String[][] verbs = {
                    {"--help"},
                    {host, "apply", "-c", config},
                    {host, "create", "nvidia-531", "--uuid", vgpu}, {host, "define", "--uuid", vgpu},
                    {host, "gpus"}, {host, "gpus", "-v"}, {host, "types"}, {host, "list"}, {host, "list", "-d"},
                    {host, "--json", "list"}, {host, "--json", "gpus"}, {host, "plan", "-c", config},
                    {host, "hostdev", vgpu}, {host, "hostdev", "--qemu", vgpu}, {host, "remove", vgpu},
                    {host, "start", "--all"}, {host, "inventory"},
            };
            for (String[] verb : verbs) {
                if (verb[verb.length - 1] == null) continue; // no samples beside this install: train the rest
                if (new Main(discard, discard).execute(verb) != Main.OK) failed++;
            }
            System.exit(failed == 0 ? Main.OK : Main.FAILED);
        } finally {
            delete(dir);
        }
    }

    /** A sample file, when the training runs in a checkout ({@code args[0]} names its root) or its working directory is one. */
    private static String sample(String[] args, String relative) {
        Path root = Path.of(args.length > 0 ? args[0] : ".");
        Path file = root.resolve(relative);
        return Files.isRegularFile(file) ? file.toString() : null;
    }

    private static void delete(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }
}
