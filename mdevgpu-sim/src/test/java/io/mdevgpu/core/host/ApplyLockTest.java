package io.mdevgpu.core.host;

import static io.mdevgpu.core.host.SimHosts.*;
import static org.junit.jupiter.api.Assertions.*;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.mdevgpu.ApplyResult;
import io.mdevgpu.Errno;
import io.mdevgpu.KernelException;
import io.mdevgpu.Plan;
import io.mdevgpu.kernel.testing.TestJvm;
import org.junit.jupiter.api.Test;

/**
 * One apply at a time on a host: an apply waits while another process holds the host's apply lock
 * ({@code run/lock/mdevgpu-apply.lock} under its tree; {@code /run/lock} on a real host), goes on the moment that
 * process dies, and a lock it cannot take is a typed error before anything changes.
 */
class ApplyLockTest {
    @Test
    void anApplyWaitsWhileAnotherProcessHoldsTheLockAndGoesOnWhenItDies() throws Exception {
        try (EngineHost host = open("default")) {
            Path lock = sim(host).root().resolve("run/lock/" + Applier.APPLY_LOCK);
            Files.createDirectories(lock.getParent());
            Process holder = new ProcessBuilder(TestJvm.command(HostUserProcess.class, List.of(), "hold", lock.toString()))
                    .redirectErrorStream(true).start();
            try {
                BufferedReader out = new BufferedReader(new InputStreamReader(holder.getInputStream()));
                assertEquals("held " + lock, CompletableFuture.supplyAsync(() -> readLine(out)).get(60, TimeUnit.SECONDS));
                Plan plan = host.plan(sample("open-vampere"));
                CompletableFuture<ApplyResult> apply = CompletableFuture.supplyAsync(plan::apply);
                assertThrows(TimeoutException.class, () -> apply.get(700, TimeUnit.MILLISECONDS), "it waits for the holder");
                assertEquals(Map.of(), tables(host), "and has changed nothing meanwhile");
                holder.destroyForcibly(); // SIGKILL: the OS drops its fcntl lock
                assertEquals(2, apply.get(60, TimeUnit.SECONDS).applied().size());
                assertEquals(4, tables(host).get(io.mdevgpu.PciAddress.parse("0000:17:00.0")).size());
            } finally {
                holder.destroyForcibly();
            }
        }
    }

    @Test
    void aLockItCannotTakeIsATypedErrorAndNothingChanges() throws Exception {
        try (EngineHost host = open("default")) {
            Files.writeString(sim(host).root().resolve("run"), "not a directory"); // so run/lock cannot be made
            Plan plan = host.plan(sample("open-vampere"));
            long calls = sim(host).faults().calls();
            KernelException e = assertThrows(KernelException.class, plan::apply);
            assertTrue(e.getMessage().startsWith("lock (so that no other apply changes the host meanwhile) "
                    + sim(host).root().resolve("run/lock/" + Applier.APPLY_LOCK)), e.getMessage());
            assertNotNull(e.errno());
            assertNotEquals(Errno.EBADF, e.errno());
            assertTrue(e.getMessage().contains("nothing was changed"), e.getMessage());
            assertEquals(calls, sim(host).faults().calls(), "no kernel or driver call was made");
            assertEquals(Map.of(), tables(host));
        }
    }

    private static String readLine(BufferedReader r) {
        try {
            String line;
            while ((line = r.readLine()) != null) if (line.startsWith("held ")) return line;
            return null;
        } catch (java.io.IOException e) {
            return e.toString();
        }
    }
}
