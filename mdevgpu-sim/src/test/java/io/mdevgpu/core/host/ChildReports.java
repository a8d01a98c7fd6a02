package io.mdevgpu.core.host;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * The lines another JVM reports on stdout, for a test to wait on with a bounded timeout: a process that is alive but
 * reports nothing more (deadlocked, hung) fails the wait, where {@code isAlive()} would pass. A daemon thread reads
 * the lines as they come.
 */
final class ChildReports {
    private final Process process;
    private final String name;
    private final BlockingQueue<String> pending = new LinkedBlockingQueue<>();
    private final List<String> seen = new CopyOnWriteArrayList<>();

    ChildReports(Process process, String name) {
        this.process = process;
        this.name = name;
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream()))) {
                for (String l; (l = r.readLine()) != null; ) {
                    seen.add(l);
                    pending.add(l);
                }
            } catch (IOException e) {
                seen.add("(reading stopped: " + e + ")");
            }
        }, "reports of " + name);
        reader.setDaemon(true);
        reader.start();
    }

    Process process() {
        return process;
    }

    /** The next line that {@code wanted} matches, waiting at most {@code timeout} for it; fails the test otherwise. */
    String await(Predicate<String> wanted, Duration timeout, String what) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (long left; (left = deadline - System.nanoTime()) > 0; ) {
            String l = pending.poll(left, TimeUnit.NANOSECONDS);
            if (l != null && wanted.test(l)) return l;
        }
        return fail(name + " did not report " + what + " within " + timeout.toSeconds() + " s (it is "
                + (process.isAlive() ? "alive: hung or deadlocked" : "dead, exit " + process.exitValue())
                + "); its last lines:\n" + String.join("\n", seen.subList(Math.max(0, seen.size() - 40), seen.size())));
    }

    /** Forgets what was reported so far: the next {@link #await} counts only what comes after this. */
    void skipReported() {
        pending.clear();
    }

    @Override
    public String toString() {
        return name;
    }
}
