package io.mdevgpu.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The training runs behind the launcher's two start-up caches ({@code MDEVGPU_AOT_OUTPUT}, packaging/README.md): the
 * verbs an operator runs most, on a simulated host, so that the JVM records the classes they load and link. Their
 * output is discarded; each exits 0 when every verb did, so a broken build does not leave a cache that hides it.
 * <pre>
 * AotTraining [--host DIR] [ROOT]          the full cache: every verb, apply and plan with their TOML reader too
 * AotTraining --lean --host DIR [ROOT]     the lean cache: every verb but apply and plan, on the host the full left
 * </pre>
 * The lean cache lacks Jackson's databind (some 700 classes, which only the TOML reader loads), so the JVM maps about
 * a third less at every start of the other verbs; the launcher picks it for every command line without
 * {@link #FULL_ONLY} or a simulated host that is not kept in a directory (its inventory, TOML, is read at every open).
 * It must not prepare its host itself: applying a configuration would put databind in it.
 * {@code ROOT} is a checkout, for the sample configuration (its working directory by default).
 */
public final class AotTraining {
    /** The verbs only the full cache serves; the launchers name the same (packaging/bin/mdevgpu). */
    public static final List<String> FULL_ONLY = List.of("apply", "plan");
    static final String VGPU = "00000000-0000-4000-8000-000000000a07";

    private AotTraining() {
    }

    public static void main(String[] args) throws IOException {
        boolean lean = false;
        Path given = null;
        String root = ".";
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--lean" -> lean = true;
                case "--host" -> given = Path.of(args[++i]);
                default -> root = args[i];
            }
        }
        if (lean && given == null) throw new IllegalArgumentException("--lean trains on the host a full training left: --host DIR");
        Path dir = given != null ? given : Files.createTempDirectory("mdevgpu-aot-");
        int failed = 0;
        try {
            String config = sample(root, "samples/config/open-vampere.toml");
            PrintWriter discard = new PrintWriter(Writer.nullWriter());
            String host = "--host=sim@" + dir;
            for (String[] verb : lean ? leanVerbs(host, config != null) : fullVerbs(host, config)) {
                if (new Main(discard, discard).execute(verb) != Main.OK) failed++;
            }
        } finally {
            if (given == null) delete(dir);
        }
        System.exit(failed == 0 ? Main.OK : Main.FAILED); // after the finally: System.exit never returns to run it
    }

    /**
     * The full training. A vGPU to hand to a VM needs the sample's types: without the sample, its verbs are left out with
     * apply. The reading verbs run on a host with a vGPU and its definition, as on most hosts: the lambdas and classes
     * of their per-instance paths are then in the cache too (otherwise made at every start). It leaves the vGPU and its
     * auto-start definition for the lean training (removed, then started again as boot would).
     */
    static List<String[]> fullVerbs(String host, String config) {
        List<String[]> verbs = new ArrayList<>();
        verbs.add(new String[] {"--help"});
        if (config != null) {
            verbs.add(new String[] {host, "apply", "-c", config});
            verbs.add(new String[] {host, "create", "nvidia-531", "--uuid", VGPU});
            verbs.add(new String[] {host, "define", "--uuid", VGPU, "--auto"});
        }
        verbs.addAll(reads(host, config != null));
        if (config != null) {
            verbs.add(new String[] {host, "plan", "-c", config});
            verbs.add(new String[] {host, "remove", VGPU});
            verbs.add(new String[] {host, "start", "--all"});
        }
        verbs.add(new String[] {host, "inventory"});
        return verbs;
    }

    /**
     * The lean training: every verb but {@link #FULL_ONLY}, on the full training's host; where that had no sample (so no
     * vGPU), only the reading verbs.
     */
    static List<String[]> leanVerbs(String host, boolean vgpu) {
        List<String[]> verbs = new ArrayList<>();
        verbs.add(new String[] {"--help"});
        verbs.addAll(reads(host, vgpu));
        if (!vgpu) return verbs;
        verbs.add(new String[] {host, "remove", VGPU});
        verbs.add(new String[] {host, "undefine", VGPU});
        verbs.add(new String[] {host, "create", "nvidia-531", "--uuid", VGPU});
        verbs.add(new String[] {host, "define", "--uuid", VGPU, "--auto"});
        verbs.add(new String[] {host, "stop", VGPU});
        verbs.add(new String[] {host, "start", VGPU});
        verbs.add(new String[] {host, "start", "--all"});
        verbs.add(new String[] {host, "list"});
        verbs.add(new String[] {host, "inventory"});
        return verbs;
    }

    /** The reading verbs, those about the vGPU where the host has one. */
    private static List<String[]> reads(String host, boolean vgpu) {
        List<String[]> verbs = new ArrayList<>(List.of(
                new String[] {host, "gpus"}, new String[] {host, "gpus", "-v"}, new String[] {host, "types"},
                new String[] {host, "list"}, new String[] {host, "list", "-d"}, new String[] {host, "--json", "list"},
                new String[] {host, "--json", "gpus"}, new String[] {host, "--json", "types"}));
        if (vgpu) {
            verbs.add(new String[] {host, "hostdev", VGPU});
            verbs.add(new String[] {host, "hostdev", "--qemu", VGPU});
            verbs.add(new String[] {host, "inspect", VGPU});
        }
        return verbs;
    }

    /** A sample file, when the training runs in a checkout ({@code root} names it). */
    private static String sample(String root, String relative) {
        Path file = Path.of(root).resolve(relative);
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
