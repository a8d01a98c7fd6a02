package io.mdevgpu.core.host;

import io.mdevgpu.AlreadyExistsException;
import io.mdevgpu.CapacityException;
import io.mdevgpu.DeviceInUseException;
import io.mdevgpu.IrqEventFds;
import io.mdevgpu.IrqInfo;
import io.mdevgpu.KernelException;
import io.mdevgpu.MappedRegion;
import io.mdevgpu.MdevInstance;
import io.mdevgpu.NoSuchDeviceException;
import io.mdevgpu.ParentDevice;
import io.mdevgpu.Region;
import io.mdevgpu.SupportedType;
import io.mdevgpu.VfioDevice;
import io.mdevgpu.sim.SimVfioKernel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.lang.foreign.ValueLayout;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static io.mdevgpu.core.host.SimHosts.*;
import static org.junit.jupiter.api.Assertions.*;

/** create, open, read the config space, map BAR1, write and read back, close, remove: on the default simulated host. */
class InstanceLifecycleTest {
    static final UUID U = UUID.fromString("c2177883-f1bb-47f0-914d-32a22e3a8804");
    EngineHost host;
    ParentDevice gpu;

    @BeforeEach
    void applyTheAmpereProfile() {
        host = open("default");
        host.plan(sample("open-vampere")).apply();
        gpu = host.gpu("0000:65:00.0");
    }

    @AfterEach
    void close() {
        host.close();
    }

    int available(String type) {
        return gpu.types().stream().filter(t -> t.id().equals(type)).mapToInt(SupportedType::availableInstances).findFirst().orElseThrow();
    }

    @Test
    void createOpenReadConfigMapBar1WriteReadBackCloseRemove() {
        MdevInstance vgpu = gpu.create("nvidia-531", U);
        assertEquals(U, vgpu.uuid());
        assertEquals(gpu.address(), vgpu.parent());
        assertEquals("nvidia-531", vgpu.typeId());
        assertTrue(vgpu.iommuGroup() >= 0);
        assertEquals(List.of(U), host.instances().stream().map(MdevInstance::uuid).toList());
        assertEquals(List.of(U), gpu.instances().stream().map(MdevInstance::uuid).toList());
        assertEquals(3, available("nvidia-531"));
        assertEquals(0, available("nvidia-529"), "the whole-GPU type no longer fits beside a quarter");

        try (VfioDevice dev = vgpu.open()) {
            assertEquals(U.toString(), dev.name());
            Region config = dev.config();
            // the guest sees the type's identity: an A100 40GB, 10de:20b0 with subsystem 10de:1470
            assertEquals(0x10de, config.read(0x00, 2));
            assertEquals(0x20b0, config.read(0x02, 2));
            assertEquals(0x10de, config.read(0x2c, 2));
            assertEquals(0x1470, config.read(0x2e, 2));
            assertEquals(0x030200, config.read(0x08, 4) >>> 8);
            // BAR1 sizing through the emulated register: 1 GiB (the type's bar1 0x400 MiB), 64-bit prefetchable
            long saved = config.read(0x14, 4);
            config.write(0x14, 4, 0xffff_ffffL);
            assertEquals(0xc000_000cL, config.read(0x14, 4));
            config.write(0x14, 4, saved);

            Region bar1 = dev.region(1);
            assertEquals(1L << 30, bar1.size());
            assertTrue(bar1.mappable() && bar1.readable() && bar1.writable());
            try (MappedRegion mapped = bar1.map()) {
                mapped.segment().set(ValueLayout.JAVA_LONG_UNALIGNED, 0x1000, 0x0123_4567_89ab_cdefL);
                assertEquals(0x0123_4567_89ab_cdefL, mapped.segment().get(ValueLayout.JAVA_LONG_UNALIGNED, 0x1000));
                assertEquals(0x0123_4567_89ab_cdefL, bar1.read(0x1000, 8), "pread sees what the mapping wrote");
                bar1.write(0x2000, 4, 0xfeed_beefL);
                assertEquals(0xfeed_beef, mapped.segment().get(ValueLayout.JAVA_INT_UNALIGNED, 0x2000));
            }
            assertEquals(List.of(0, 1, 3), dev.regions().stream().filter(r -> r.size() > 0 && r.index() < 6).map(Region::index).toList());
            assertEquals(List.of("INTx x1", "MSI x1"), dev.irqs().stream().map(i -> IrqInfo.indexName(i.index()) + " x" + i.count()).toList());
            try (IrqEventFds msi = dev.enableIrq(1, 1)) {
                assertEquals(0, msi.await(0, Duration.ofMillis(1)));
                SimVfioKernel.Device simulated = sim(host).instanceDevice(U).orElseThrow();
                simulated.fire(1, 0);
                assertEquals(1, msi.await(0, Duration.ofSeconds(5)));
            }
            dev.reset();

            DeviceInUseException busy = assertThrows(DeviceInUseException.class, vgpu::remove);
            assertTrue(busy.getMessage().contains(U.toString()), busy.getMessage());
            assertEquals(1, host.instances().size(), "the refused remove changed nothing");
        }
        assertTrue(sim(host).leaks().isClean(), () -> sim(host).leaks().toString());
        vgpu.remove();
        assertEquals(List.of(), host.instances());
        assertEquals(4, available("nvidia-531"));
        assertTrue(host.instance(U).isEmpty());
    }

    @Test
    void theKernelsRefusalsArriveTyped() {
        gpu.create("nvidia-531", U);
        AlreadyExistsException twice = assertThrows(AlreadyExistsException.class, () -> host.gpu("17:00.0").create("nvidia-531", U));
        assertTrue(twice.getMessage().contains(U.toString()), twice.getMessage());
        for (int i = 0; i < 3; i++) gpu.create("nvidia-531");
        CapacityException full = assertThrows(CapacityException.class, () -> gpu.create("nvidia-531"));
        assertTrue(full.getMessage().contains("nvidia-531"), full.getMessage());
        assertThrows(NoSuchDeviceException.class, () -> gpu.create("nvidia-999"));
        assertThrows(KernelException.class, () -> host.gpu("b3:00.0").create("nvidia-531"), "the T4 has no Ampere types");
        assertThrows(NoSuchDeviceException.class, () -> host.gpu("0000:99:00.0"));
    }

    @Test
    void xmlForLibvirtNamesTheInstanceAndTheTypes() {
        MdevInstance vgpu = gpu.create("nvidia-532", U);
        assertTrue(vgpu.nodeDeviceXml().contains("<type id='nvidia-532'/>"), vgpu.nodeDeviceXml());
        assertTrue(vgpu.nodeDeviceXml().contains("<iommuGroup number='" + vgpu.iommuGroup() + "'/>"), vgpu.nodeDeviceXml());
        assertTrue(vgpu.hostdevXml().contains("<address uuid='" + U + "'/>"), vgpu.hostdevXml());
        String parent = gpu.nodeDeviceXml();
        assertTrue(parent.contains("<name>pci_0000_65_00_0</name>"), parent);
        assertTrue(parent.contains("<type id='nvidia-532'>\n        <name>Open vAmpere/8</name>\n        <deviceAPI>vfio-pci</deviceAPI>\n"
                + "        <availableInstances>7</availableInstances>"), parent);
        assertTrue(parent.contains("<iommuGroup number='101'>"), parent);
    }

    @Test
    void ofEightThreadsCreatingOnATypeWithRoomForFourExactlyFourWinAndOfTwoOnOneUuidOne() throws Exception {
        int threads = 8;
        CyclicBarrier start = new CyclicBarrier(threads);
        List<Future<Boolean>> results = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            for (int t = 0; t < threads; t++) {
                results.add(pool.submit(() -> {
                    start.await();
                    try {
                        gpu.create("nvidia-531");
                        return true;
                    } catch (CapacityException e) {
                        return false;
                    }
                }));
            }
            int won = 0;
            for (Future<Boolean> f : results) won += f.get(30, TimeUnit.SECONDS) ? 1 : 0;
            assertEquals(4, won);
        }
        assertEquals(4, gpu.instances().size());
        for (MdevInstance i : gpu.instances()) i.remove();

        CyclicBarrier pair = new CyclicBarrier(2);
        List<Future<Boolean>> same = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(2)) {
            for (String parent : List.of("0000:17:00.0", "0000:65:00.0")) {
                same.add(pool.submit(() -> {
                    pair.await();
                    try {
                        host.gpu(parent).create("nvidia-532", U);
                        return true;
                    } catch (AlreadyExistsException e) {
                        return false;
                    }
                }));
            }
            assertEquals(1, (same.get(0).get(30, TimeUnit.SECONDS) ? 1 : 0) + (same.get(1).get(30, TimeUnit.SECONDS) ? 1 : 0));
        }
        assertEquals(1, host.instances().size());
    }

    @Test
    void closingTheHostClosesWhatWasOpenedThroughIt() {
        MdevInstance vgpu = gpu.create("nvidia-531", U);
        VfioDevice dev = vgpu.open();
        dev.region(1).map();
        assertFalse(sim(host).leaks().isClean());
        host.close();
        assertTrue(sim(host).leaks().isClean(), () -> sim(host).leaks().toString());
        KernelException closed = assertThrows(KernelException.class, () -> gpu.create("nvidia-531"));
        assertEquals(io.mdevgpu.Errno.EBADF, closed.errno());
        assertTrue(closed.getMessage().startsWith("use simulated host (default)") && closed.getMessage().contains("open it again"),
                closed.getMessage());
    }
}
