package io.mdevgpu.sim;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;

import io.mdevgpu.MdevException;
import io.mdevgpu.ValidationException;
import io.mdevgpu.kernel.sysfs.SysfsReader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A simulated host's root directory: a temporary one made and deleted, a kept one checked to be empty or a simulated
 * host's, and cleared when the process that was making it died.
 */
final class SimHostRoot {
    private static final Logger LOG = LoggerFactory.getLogger(SimulatedKernel.class);

    private SimHostRoot() {
    }

    /** A process died while it made the tree: what it wrote goes (all but the state's directory) and it is made anew. */
    static void clearInterruptedCreation(Path root) {
        LOG.warn("the simulated host at {} was being made by a process that died; making it anew", root);
        for (String name : SysfsReader.names(root)) {
            if (!name.equals(SimKernelStore.ROOT_ENTRY)) SysfsTreeWriter.deleteTree(root.resolve(name));
        }
    }

    /** Before anything is written: a root that holds something, and no simulated host, is not ours to write in. */
    static void refuseForeign(Path root) {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS) || Files.isDirectory(root.resolve(SimKernelStore.DIRECTORY))) return;
        requireEmpty(root);
    }

    /** A new host's root holds nothing but the state's directory (which the store made, to lock it). */
    static void requireEmpty(Path root) {
        if (!Files.isDirectory(root, LinkOption.NOFOLLOW_LINKS)
                || !List.of(SimKernelStore.ROOT_ENTRY).containsAll(SysfsReader.names(root))) {
            throw new ValidationException("simulated host root", root.toString(),
                    "an empty or missing directory, or one holding a simulated host: the simulated host writes its "
                            + "own tree there");
        }
    }

    static Path temporaryRoot() {
        try {
            return Files.createTempDirectory("mdevgpu-sim-");
        } catch (IOException e) {
            throw SysfsReader.failure("create", Path.of(System.getProperty("java.io.tmpdir"), "mdevgpu-sim-*"), e);
        }
    }

    /**
     * Deletes the temporary tree of a kernel that closed or became unreachable unclosed (holding nothing of the kernel,
     * which must become unreachable for it to run).
     */
    record TreeRemover(Path root) implements Runnable {
        @Override
        public void run() {
            deleteTree(root);
        }
    }

    /** Deletes the temporary tree; a failure is logged, as close must not throw for it. */
    static void deleteTree(Path dir) {
        try {
            SysfsTreeWriter.deleteTree(dir);
        } catch (MdevException e) {
            LOG.warn("could not delete the simulated host's tree {}: {}", dir, e.getMessage());
        }
    }
}
