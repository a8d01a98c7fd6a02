package io.mdevgpu.kernel.abi.nvrm;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import io.mdevgpu.kernel.abi.nvrm.NvrmTables.Table;
import io.mdevgpu.kernel.testing.Repository;

/**
 * The layout tables as the repository holds them ({@code abi/nvidia-rm/}, see its README): what the tests compare
 * the library's layouts with, read from the source rather than from the jar's copy.
 */
final class GoldenTables {
    /** The release whose layout only the predecessor knows. */
    static final String PREDECESSOR_RELEASE = NvrmTables.PREDECESSOR_RELEASE;

    private GoldenTables() {
    }

    /** {@code abi/nvidia-rm} in the repository: the golden tables, {@code supplement/} and {@code predecessor/}. */
    static Path goldenDirectory() {
        return Repository.path("abi/nvidia-rm");
    }

    /** Every release with a golden table, oldest first. */
    static List<String> goldenReleases() {
        try (Stream<Path> files = Files.list(goldenDirectory())) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".txt"))
                    .map(n -> n.substring(0, n.length() - 4)).sorted(VERSION_ORDER).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the golden NVIDIA RM tables in " + goldenDirectory(), e);
        }
    }

    static final Comparator<String> VERSION_ORDER = (a, b) -> {
        String[] x = a.split("\\."), y = b.split("\\.");
        for (int i = 0; i < Math.max(x.length, y.length); i++) {
            int c = Integer.compare(i < x.length ? Integer.parseInt(x[i]) : -1, i < y.length ? Integer.parseInt(y[i]) : -1);
            if (c != 0) return c;
        }
        return 0;
    };

    /** The golden table of {@code version} merged with its supplement; for 510, the predecessor's over 515's. */
    static Table load(String version) {
        return NvrmTables.in(goldenDirectory()).load(version);
    }
}
