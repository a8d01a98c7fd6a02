package io.mdevgpu.bench.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * Where and how a run was made, for the report's header.
 *
 * @param date     when the report was written (UTC, minutes)
 * @param cpus     online CPUs as the JVM sees them ({@code nproc})
 * @param cpuModel {@code model name} from {@code /proc/cpuinfo}
 * @param os       kernel name and release
 * @param command  the command that made the run
 * @param note     what the reader should know about the conditions (noise...), may be empty
 */
public record RunInfo(String date, int cpus, String cpuModel, String os, String command, String note) {
    /** This machine, now. */
    public static RunInfo ofThisMachine(String command, String note) {
        return new RunInfo(Instant.now().truncatedTo(ChronoUnit.MINUTES).toString(),
                Runtime.getRuntime().availableProcessors(), cpuModel(Path.of("/proc/cpuinfo")),
                System.getProperty("os.name") + " " + System.getProperty("os.version"), command, note);
    }

    static String cpuModel(Path cpuinfo) {
        try {
            return Files.readAllLines(cpuinfo).stream()
                    .filter(l -> l.startsWith("model name"))
                    .map(l -> l.substring(l.indexOf(':') + 1).strip())
                    .findFirst().orElse("unknown (no model name in " + cpuinfo + ")");
        } catch (IOException e) {
            return "unknown (" + cpuinfo + ": " + e.getMessage() + ")";
        }
    }
}
