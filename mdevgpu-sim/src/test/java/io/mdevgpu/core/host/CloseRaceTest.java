package io.mdevgpu.core.host;

import static io.mdevgpu.core.host.SimHosts.*;
import static org.junit.jupiter.api.Assertions.*;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import io.mdevgpu.Errno;
import io.mdevgpu.IrqEventFds;
import io.mdevgpu.KernelException;
import io.mdevgpu.MdevInstance;
import io.mdevgpu.Region;
import io.mdevgpu.VfioDevice;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;
import org.junit.jupiter.api.Test;

/**
 * A device closed while another thread reads and writes its regions: each access either completes or is refused
 * with the library's typed error ({@link KernelException}, {@code EBADF}, naming the operation and the device),
 * the process lives on and nothing leaks. Anything else a library method throws fails the test: an
 * {@code IllegalStateException} of a closed arena or of a use-after-close check, an NPE, the error of an ioctl on
 * a reused fd number.
 *
 * <p>Odd repetitions access BAR1 through a mapping (the close then races the mapping's shared arena), even ones
 * through {@code pread}/{@code pwrite} (the close races the device fd and its arena); the config space is always
 * {@code pread}. Before the fix every repetition failed (a read after the close threw
 * {@code IllegalStateException("... is closed")}), and about one in four also met the arena's
 * {@code "Already closed"} between the check and the access.
 */
class CloseRaceTest {

    @RepeatedTest(40)
    void aCloseRacingRegionAccessIsEitherDoneOrRefusedTyped(RepetitionInfo repetition) throws Exception {
        boolean mapped = repetition.getCurrentRepetition() % 2 == 1;
        try (EngineHost host = open("default")) {
            host.plan(sample("open-vampere")).apply();
            MdevInstance vgpu = host.gpu("0000:65:00.0").create("nvidia-531", UUID.randomUUID());
            VfioDevice dev = vgpu.open();
            Region config = dev.region(7);
            Region bar1 = dev.region(1);
            if (mapped) bar1.map(); // closed with the device
            CountDownLatch accessing = new CountDownLatch(1);
            AtomicReference<Throwable> untyped = new AtomicReference<>();
            AtomicReference<KernelException> firstRefusal = new AtomicReference<>();
            AtomicInteger accesses = new AtomicInteger(), refused = new AtomicInteger();
            Thread accessor = Thread.ofPlatform().start(() -> {
                try {
                    for (int i = 0; i < 10_000_000 && refused.get() < 10; i++) {
                        if (i == 100) accessing.countDown();
                        try {
                            config.read(0, 2);
                            bar1.write(64, 4, i);
                            bar1.read(64, 4);
                            accesses.incrementAndGet();
                        } catch (KernelException e) {
                            firstRefusal.compareAndSet(null, e);
                            if (e.errno() != Errno.EBADF) throw e;
                            refused.incrementAndGet();
                        }
                    }
                } catch (Throwable t) {
                    untyped.set(t);
                } finally {
                    accessing.countDown();
                }
            });
            accessing.await();
            dev.close();
            accessor.join();
            assertNull(untyped.get(), () -> "not the typed refusal: " + untyped.get());
            assertTrue(accesses.get() >= 100, "accesses before the close: " + accesses);
            assertEquals(10, refused.get(), "accesses after the close are refused");
            KernelException e = firstRefusal.get();
            assertTrue(e.getMessage().matches("(read|write) region (CONFIG|BAR1) device " + vgpu.uuid() + " in \\S+: EBADF.*"),
                    e.getMessage());
            assertEquals(java.util.Optional.of("the device was closed; open it again"), e.fix());
            System.out.println("close race (" + (mapped ? "mapped" : "pread") + "): " + accesses + " accesses, then "
                    + refused + " typed refusals");
            vgpu.remove();
            assertTrue(sim(host).leaks().isClean(), sim(host).leaks()::toString);
        }
    }

    @Test
    void aCloseEndsAnInterruptWaitInFlightTyped() throws Exception {
        try (EngineHost host = open("default")) {
            host.plan(sample("open-vampere")).apply();
            MdevInstance vgpu = host.gpu("0000:65:00.0").create("nvidia-531", UUID.randomUUID());
            VfioDevice dev = vgpu.open();
            IrqEventFds msi = dev.enableIrq(1, 1);
            CompletableFuture<Long> waiting = CompletableFuture.supplyAsync(() -> msi.await(0, Duration.ofMinutes(1)));
            Thread.sleep(200); // most likely in poll by now; either way the close must end the wait
            dev.close();
            ExecutionException e = assertThrows(ExecutionException.class, () -> waiting.get(10, TimeUnit.SECONDS),
                    "the wait outlived the close");
            KernelException typed = assertInstanceOf(KernelException.class, e.getCause());
            assertEquals(Errno.EBADF, typed.errno());
            assertTrue(typed.getMessage().startsWith("poll eventfd vector 0 of MSI of device " + vgpu.uuid()), typed.getMessage());
            vgpu.remove();
            assertTrue(sim(host).leaks().isClean(), sim(host).leaks()::toString);
        }
    }
}
