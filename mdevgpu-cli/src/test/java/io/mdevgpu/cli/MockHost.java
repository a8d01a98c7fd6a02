package io.mdevgpu.cli;

import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import io.mdevgpu.Bar;
import io.mdevgpu.Definitions;
import io.mdevgpu.Definitions.Definition;
import io.mdevgpu.DriverInfo;
import io.mdevgpu.DriverLimits;
import io.mdevgpu.Errno;
import io.mdevgpu.HostSpec;
import io.mdevgpu.IrqInfo;
import io.mdevgpu.KernelException;
import io.mdevgpu.MdevHost;
import io.mdevgpu.MdevInstance;
import io.mdevgpu.ParentDevice;
import io.mdevgpu.PciAddress;
import io.mdevgpu.PciId;
import io.mdevgpu.Region;
import io.mdevgpu.Size;
import io.mdevgpu.SupportedType;
import io.mdevgpu.VfioDevice;
import io.mdevgpu.kernel.pci.PciResource;
import io.mdevgpu.kernel.testing.H100Fixture;

/**
 * A host made of Mockito mocks of the API: the H100 of the shared fixture (its real config space, sysfs BARs), a
 * T4 whose config space reads as a non-root user sees it (64 bytes), types on the H100, and instances and
 * definitions the tests add. The tests verify what the verbs call and print; the engine is not involved.
 */
final class MockHost {
    static final PciAddress H100 = H100Fixture.ADDRESS;
    static final PciAddress T4 = PciAddress.parse("0000:3b:00.0");
    static final SupportedType QUARTER = new SupportedType("nvidia-531", "Open vAmpere/4",
            "num_heads=4, frl_config=120, framebuffer=9536M, max_resolution=1920x1080, max_instance=4", "vfio-pci", 4);
    static final SupportedType WHOLE = new SupportedType("nvidia-529", "Open vAmpere",
            "num_heads=4, frl_config=120, framebuffer=38336M, max_resolution=1920x1080, max_instance=1", "vfio-pci", 0);

    final MdevHost host = mock(MdevHost.class);
    final ParentDevice h100 = mock(ParentDevice.class);
    final ParentDevice t4 = mock(ParentDevice.class);
    final Definitions definitions = mock(Definitions.class);
    final List<MdevInstance> instances = new ArrayList<>();
    final List<Definition> defined = new ArrayList<>();

    MockHost() {
        when(host.spec()).thenReturn(HostSpec.simulated("mock"));
        when(host.driver()).thenReturn(Optional.of(new DriverInfo("nvidia", "550.54.14", "r550", DriverLimits.PRE_580)));
        when(host.gpus()).thenReturn(List.of(h100, t4));
        when(host.gpu(anyString())).thenAnswer(a -> {
            PciAddress address = PciAddress.parse(a.getArgument(0));
            if (address.equals(H100)) return h100;
            if (address.equals(T4)) return t4;
            throw KernelException.of("find GPU", address.toString(), Errno.ENODEV, "`mdevgpu gpus` lists the GPUs");
        });
        when(host.instances()).thenAnswer(a -> List.copyOf(instances));
        when(host.instance(any())).thenAnswer(a -> instances.stream().filter(i -> i.uuid().equals(a.getArgument(0))).findFirst());
        when(host.definitions()).thenReturn(definitions);
        when(definitions.list()).thenAnswer(a -> List.copyOf(defined));
        when(definitions.get(any())).thenAnswer(a -> defined.stream().filter(d -> d.uuid().equals(a.getArgument(0))).findFirst());
        when(definitions.get(any(), any())).thenAnswer(a -> defined.stream()
                .filter(d -> d.uuid().equals(a.getArgument(0)) && d.parent().equals(a.getArgument(1))).findFirst());

        when(h100.address()).thenReturn(H100);
        when(h100.id()).thenReturn(PciId.of(0x10de, 0x2330, 0x10de, 0x16c1));
        when(h100.classCode()).thenReturn(0x030200);
        when(h100.revision()).thenReturn(0xa1);
        when(h100.driver()).thenReturn(Optional.of("nvidia"));
        when(h100.model()).thenReturn("NVIDIA H100 80GB HBM3");
        when(h100.framebuffer()).thenReturn(Size.mib(81559));
        when(h100.bars()).thenReturn(H100Fixture.device(12).bars().stream().map(PciResource::toBar).toList());
        when(h100.config()).thenReturn(h100Config());
        when(h100.types()).thenReturn(List.of(WHOLE, QUARTER));

        when(t4.address()).thenReturn(T4);
        when(t4.id()).thenReturn(PciId.of(0x10de, 0x1eb8, 0x10de, 0x12a2));
        when(t4.classCode()).thenReturn(0x030200);
        when(t4.revision()).thenReturn(0xa1);
        when(t4.driver()).thenReturn(Optional.empty());
        when(t4.model()).thenReturn("Tesla T4");
        when(t4.framebuffer()).thenReturn(Size.gib(15));
        when(t4.bars()).thenReturn(List.of(
                new Bar(0, 0xd2000000L, Size.mib(16), false, false, false),
                new Bar(1, 0x38000000000L, Size.mib(256), true, true, false),
                new Bar(3, 0x38010000000L, Size.mib(32), true, true, false)));
        when(t4.config()).thenReturn(java.util.Arrays.copyOf(h100Config(), 64));
        when(t4.types()).thenReturn(List.of());
    }

    /** The H100's 4096-byte config space as root read it on the real host. */
    static byte[] h100Config() {
        return H100Fixture.config();
    }

    /** Adds an active instance of the H100 whose VFIO device is {@code device}. */
    MdevInstance addInstance(UUID uuid, String type, VfioDevice device) {
        MdevInstance i = mock(MdevInstance.class);
        when(i.uuid()).thenReturn(uuid);
        when(i.parent()).thenReturn(H100);
        when(i.typeId()).thenReturn(type);
        when(i.iommuGroup()).thenReturn(42);
        when(i.open()).thenReturn(device);
        instances.add(i);
        return i;
    }

    Definition addDefinition(UUID uuid, String type, boolean auto) {
        Definition d = new Definition(uuid, H100, type, auto, List.of());
        defined.add(d);
        return d;
    }

    /** A VFIO device as an NVIDIA vGPU shows it: BAR0, BAR1, BAR3, config (reading {@code config}), MSI and MSI-X. */
    static VfioDevice device(String name, byte[] config) {
        VfioDevice d = mock(VfioDevice.class);
        List<Region> regions = List.of(
                region(0, Size.mib(16).bytes(), 0x7, 0L),
                region(1, Size.mib(256).bytes(), 0x7, 1L << 40),
                region(3, Size.mib(32).bytes(), 0x7, 3L << 40),
                configRegion(config));
        when(d.name()).thenReturn(name);
        when(d.flags()).thenReturn(0x3);
        when(d.regions()).thenReturn(regions);
        when(d.region(org.mockito.ArgumentMatchers.anyInt())).thenAnswer(a -> regions.stream()
                .filter(r -> r.index() == (int) a.getArgument(0)).findFirst().orElseThrow());
        when(d.irqs()).thenReturn(List.of(new IrqInfo(0, 0x7, 1), new IrqInfo(1, 0x9, 1), new IrqInfo(2, 0x9, 9)));
        return d;
    }

    private static Region region(int index, long size, int flags, long offset) {
        Region r = mock(Region.class);
        when(r.index()).thenReturn(index);
        when(r.size()).thenReturn(size);
        when(r.flags()).thenReturn(flags);
        when(r.offset()).thenReturn(offset);
        when(r.readable()).thenReturn((flags & 1) != 0);
        when(r.writable()).thenReturn((flags & 2) != 0);
        when(r.mappable()).thenReturn((flags & 4) != 0);
        return r;
    }

    private static Region configRegion(byte[] config) {
        Region r = region(7, config.length, 0x3, 7L << 40);
        doAnswer(a -> {
            long offset = a.getArgument(0);
            MemorySegment dst = a.getArgument(1);
            MemorySegment.copy(config, (int) offset, dst, ValueLayout.JAVA_BYTE, 0, (int) dst.byteSize());
            return null;
        }).when(r).read(anyLong(), any(MemorySegment.class));
        return r;
    }
}
