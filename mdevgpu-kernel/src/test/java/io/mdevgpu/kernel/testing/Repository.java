package io.mdevgpu.kernel.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The checkout the tests run from: every file a test reads lives in it (the NVIDIA layout tables in
 * {@code abi/nvidia-rm/}, the H100 fixture in {@code fixtures/}, the harness's scripts), never beside it.
 */
public final class Repository {
    /** A file every checkout has at its root, and only there. */
    private static final String MARKER = "abi/nvidia-rm";

    private Repository() {
    }

    /**
     * The repository root: {@code mdevgpu.repo} (surefire sets it to the reactor's root), else the nearest
     * directory above the working directory that holds {@code abi/nvidia-rm}.
     */
    public static Path root() {
        String property = System.getProperty("mdevgpu.repo");
        if (property != null) return Path.of(property).toAbsolutePath().normalize();
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isDirectory(dir.resolve(MARKER))) return dir;
        }
        throw new AssertionError("no repository root above " + Path.of("").toAbsolutePath()
                + " (no " + MARKER + "); run the tests through Maven, which sets -Dmdevgpu.repo");
    }

    /** {@code relative} inside the repository, e.g. {@code path("fixtures/h100-sxm5-80g")}. */
    public static Path path(String relative) {
        return root().resolve(relative);
    }
}
