package io.mdevgpu.core.host;

import static io.mdevgpu.core.host.SimHosts.*;
import static org.junit.jupiter.api.Assertions.*;

import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import io.mdevgpu.MdevException;
import io.mdevgpu.MdevInstance;
import io.mdevgpu.Region;
import io.mdevgpu.VfioDevice;
import org.junit.jupiter.api.RepeatedTest;

/**
 * A device closed while another thread reads its regions: each read either completes or is refused, the process
 * lives on and nothing leaks. What the refusal is today is NOT yet the typed error issue 7 asks for
 * (docs/reliability.md lists it as open): the kernel layer's use-after-close check ({@code FdOwner.requireOpen})
 * throws {@code IllegalStateException("... is closed")}, and in the window between that check and the access the
 * device's closed shared arena throws {@code IllegalStateException("Already closed")} (about 1 run in 4). Both are
 * counted and printed; any other throwable (an NPE, an error of an ioctl on a reused fd number) fails the test.
 */
class CloseRaceTest {

    @RepeatedTest(20)
    void aCloseRacingRegionAccessNeitherCrashesNorLeaks() throws Exception {
        try (EngineHost host = open("default")) {
            host.plan(sample("open-vampere")).apply();
            MdevInstance vgpu = host.gpu("0000:65:00.0").create("nvidia-531", UUID.randomUUID());
            VfioDevice dev = vgpu.open();
            Region config = dev.region(7);
            Region bar1 = dev.region(1);
            CountDownLatch reading = new CountDownLatch(1);
            AtomicReference<Throwable> untyped = new AtomicReference<>();
            AtomicInteger reads = new AtomicInteger(), refused = new AtomicInteger(), useAfterClose = new AtomicInteger(),
                    arenaClosed = new AtomicInteger();
            Thread reader = Thread.ofPlatform().start(() -> {
                try {
                    for (int i = 0; i < 1_000_000; i++) {
                        if (i == 100) reading.countDown();
                        try {
                            config.read(0, 2);
                            bar1.read(64, 4);
                            reads.incrementAndGet();
                        } catch (MdevException e) {
                            refused.incrementAndGet();
                            if (refused.get() > 10) return;
                        } catch (IllegalStateException e) {
                            if (!e.getMessage().endsWith(" is closed") && !e.getMessage().equals("Already closed")) throw e;
                            if (e.getMessage().equals("Already closed")) arenaClosed.incrementAndGet();
                            useAfterClose.incrementAndGet();
                            if (useAfterClose.get() > 10) return;
                        }
                    }
                } catch (Throwable t) {
                    untyped.set(t);
                } finally {
                    reading.countDown();
                }
            });
            reading.await();
            dev.close();
            reader.join();
            assertNull(untyped.get(), () -> "an untyped error: " + untyped.get());
            assertTrue(reads.get() >= 100, "reads before the close: " + reads);
            assertTrue(refused.get() + useAfterClose.get() > 0, "reads after the close were refused");
            System.out.println("close race: " + reads + " reads, " + refused + " typed refusals, " + useAfterClose
                    + " IllegalStateException (" + arenaClosed + " of a closed arena)");
            vgpu.remove();
            assertTrue(sim(host).leaks().isClean(), sim(host).leaks()::toString);
        }
    }
}
