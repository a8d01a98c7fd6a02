package io.mdevgpu.core.interop;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Stream;

import io.mdevgpu.Errno;
import io.mdevgpu.KernelException;

/**
 * Fails each file-system call of a definition store's change in turn, with each errno it can really meet, and
 * checks that the change raises that errno naming the store's noun, leaves every file under the tree as it was, and
 * leaves no lock or temporary file in the next writer's way.
 *
 * @param tree       the directory the store's root is in (deleted and set up again for every fault)
 * @param root       the store's root
 * @param open       the store on {@code root} with the given file operations
 * @param noun       what its errors name ({@code "mdev definition"})
 * @param nextWriter a change that must work after each fault
 */
record StoreFaultSweep<S>(Path tree, Path root, Function<FileOps, S> open, String noun, Consumer<S> nextWriter) {

    /** Runs {@code change} once to count its calls, then fails each; the number of faults injected. */
    int sweep(Consumer<S> setUp, Consumer<S> change) throws IOException {
        deleteTree(tree);
        FailingFileOps counting = new FailingFileOps();
        setUp.accept(open.apply(FileOps.SYSTEM));
        change.accept(open.apply(counting));
        int calls = counting.calls.size();
        assertTrue(calls >= 4, "calls: " + counting.calls);
        int injected = 0;
        for (int n = 1; n <= calls; n++) {
            for (Errno errno : FailingFileOps.errnos(counting.calls.get(n - 1))) {
                String what = "call " + n + " (" + counting.calls.get(n - 1) + ") failing with " + errno;
                deleteTree(tree);
                setUp.accept(open.apply(FileOps.SYSTEM));
                Map<String, String> before = files();
                S failing = open.apply(new FailingFileOps().failAt(n, errno));
                KernelException e = assertThrows(KernelException.class, () -> change.accept(failing), what + " " + counting.calls);
                assertTrue(e.getMessage().contains(noun), e.getMessage());
                assertEquals(errno, e.errno(), what + ": the error names the errno: " + e.getMessage());
                assertEquals(before, files(), "after " + what);
                nextWriter.accept(open.apply(FileOps.SYSTEM));
                injected++;
            }
        }
        return injected;
    }

    /** Every file under the root but the lock file, with its content. */
    Map<String, String> files() throws IOException {
        Map<String, String> out = new TreeMap<>();
        if (!Files.exists(root)) return out;
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.filter(Files::isRegularFile).toList()) {
                if (!p.getFileName().toString().equals(AtomicFiles.LOCK_FILE)) out.put(root.relativize(p).toString(), Files.readString(p));
            }
        }
        return out;
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) return;
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) Files.delete(p);
        }
    }
}
