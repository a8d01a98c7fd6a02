package io.mdevgpu.cli;

import static org.junit.jupiter.api.Assertions.*;
import static org.mockito.ArgumentMatchers.*;
import static org.mockito.Mockito.*;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.mdevgpu.CapacityException;
import io.mdevgpu.Definitions.Definition;
import io.mdevgpu.Definitions.Request;
import io.mdevgpu.DeviceInUseException;
import io.mdevgpu.Errno;
import io.mdevgpu.KernelException;
import io.mdevgpu.MdevInstance;
import io.mdevgpu.PciAddress;
import io.mdevgpu.SupportedType;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** {@code types}, {@code list}, {@code create}, {@code remove}, {@code define}, {@code undefine}, {@code start}, {@code stop}. */
class InstanceVerbsTest {
    private static final UUID A = UUID.fromString("2f5d5d9e-6c56-4e1b-8a43-0b0f9f7e1a01");
    private static final UUID B = UUID.fromString("9a1c8c2b-3d4e-4f50-9a6b-7c8d9e0f1a02");

    private final MockHost mock = new MockHost();

    @Test
    void typesListsEachParentsTypesWithNameDescriptionAndAvailability() {
        CliRun run = CliRun.on(mock.host, "types");
        assertEquals(Main.OK, run.exitCode(), run.all());
        String line = run.out().lines().filter(l -> l.contains("nvidia-531")).findFirst().orElseThrow();
        assertTrue(line.contains("Open vAmpere/4") && line.contains(" 4 ") && line.contains("max_instance=4"), line);
        assertTrue(run.out().contains("0000:3b:00.0 Tesla T4\n  no mdev types"), run.out());
        JsonNode types = CliRun.on(mock.host, "types", "--json").json().get("types");
        assertEquals(2, types.size());
        assertEquals("0000:00:06.0", types.get(1).get("parent").asString());
        assertEquals("nvidia-531", types.get(1).get("type").asString());
        assertEquals(4, types.get(1).get("available_instances").asInt());
        assertEquals("vfio-pci", types.get(1).get("device_api").asString());
    }

    @Test
    void typesOfOneParentAndABadParent() {
        CliRun one = CliRun.on(mock.host, "types", "--parent", "3b:00.0");
        assertEquals(Main.OK, one.exitCode(), one.all());
        assertFalse(one.out().contains("H100"), one.out());
        CliRun bad = CliRun.on(mock.host, "types", "--parent", "65:00");
        assertEquals(Main.BAD_INPUT, bad.exitCode(), bad.all());
        assertTrue(bad.err().contains("0000:65:00.0"), "says the form: " + bad.err());
        CliRun absent = CliRun.on(mock.host, "types", "--parent", "0000:99:00.0");
        assertEquals(Main.FAILED, absent.exitCode(), absent.all());
        assertTrue(absent.err().contains("0000:99:00.0") && absent.err().contains("ENODEV"), absent.err());
    }

    @Test
    void listMergesActiveInstancesAndDefinitionsLikeMdevctl() {
        mock.addInstance(A, "nvidia-531", null);
        mock.addDefinition(A, "nvidia-531", true);
        mock.addDefinition(B, "nvidia-529", false);
        CliRun run = CliRun.on(mock.host, "list");
        assertEquals(Main.OK, run.exitCode(), run.all());
        List<String> lines = run.out().lines().toList();
        assertEquals(3, lines.size(), run.out());
        assertTrue(lines.get(1).startsWith(A + "  0000:00:06.0  nvidia-531  active, defined (auto)"), lines.get(1));
        assertTrue(lines.get(2).startsWith(B + "  0000:00:06.0  nvidia-529  defined (manual)"), lines.get(2));
        JsonNode json = CliRun.on(mock.host, "list", "--json").json().get("instances");
        assertTrue(json.get(0).get("active").asBoolean());
        assertEquals("auto", json.get(0).get("start").asString());
        assertEquals(42, json.get(0).get("iommu_group").asInt());
        assertFalse(json.get(1).get("active").asBoolean());
        assertTrue(json.get(1).get("iommu_group").isNull());
    }

    /**
     * One UUID defined under two parents (by hand; issue 12, item 16): the active instance shows the kernel's parent
     * and type, each definition has its row, each row says the UUID is defined on the other parent too.
     */
    @Test
    void listShowsAUuidDefinedUnderTwoParentsAsSuchAndTheKernelsParentAndType() {
        mock.addInstance(A, "nvidia-531", null);
        mock.defined.add(new Definition(A, MockHost.T4, "nvidia-1", true, List.of(Map.of("k", "v"))));
        mock.addDefinition(A, "nvidia-529", false);
        List<String> lines = CliRun.on(mock.host, "list").out().lines().toList();
        assertEquals(3, lines.size(), String.join("\n", lines));
        assertTrue(lines.get(1).startsWith(A + "  0000:00:06.0  nvidia-531  active, defined (manual), UUID also defined "
                + "on 0000:3b:00.0"), lines.get(1));
        assertTrue(lines.get(2).startsWith(A + "  0000:3b:00.0  nvidia-1    defined (auto), UUID also defined on "
                + "0000:00:06.0"), lines.get(2));
        JsonNode json = CliRun.on(mock.host, "--json", "list", "-d").json().get("instances");
        assertEquals(2, json.size());
        assertEquals("0000:3b:00.0", json.get(0).get("also_defined_on").get(0).asString());
        assertEquals("v", json.get(1).get("attrs").get(0).get("k").asString(), "the attributes are listed");
    }

    @Test
    void startAndUndefineOfAUuidDefinedUnderTwoParentsNeedTheParent() {
        MdevInstance started = mock(MdevInstance.class);
        when(started.uuid()).thenReturn(A);
        when(mock.definitions.start(A, MockHost.T4)).thenReturn(started);
        mock.defined.add(new Definition(A, MockHost.T4, "nvidia-1", true, List.of()));
        assertEquals(A + "\n", CliRun.on(mock.host, "start", A.toString(), "--parent", "3b:00.0").out());
        assertEquals("undefined " + A + "\n", CliRun.on(mock.host, "undefine", A.toString(), "-p", "0000:3b:00.0").out());
        verify(mock.definitions).start(A, MockHost.T4);
        verify(mock.definitions).undefine(A, MockHost.T4);
        CliRun elsewhere = CliRun.on(mock.host, "undefine", A.toString(), "-p", "0000:00:06.0");
        assertEquals(Main.BAD_INPUT, elsewhere.exitCode(), elsewhere.all());
        assertTrue(elsewhere.err().contains("under 0000:00:06.0"), elsewhere.err());
    }

    @Test
    void listFilters() {
        mock.addInstance(A, "nvidia-531", null);
        mock.addDefinition(B, "nvidia-529", false);
        assertEquals(1, CliRun.on(mock.host, "list", "--defined", "--json").json().get("instances").size());
        assertEquals("no vGPUs\n", CliRun.on(mock.host, "list", "--parent", "3b:00.0").out());
    }

    @Test
    void createPicksTheFirstGpuWithAnInstanceLeftAndPrintsTheUuid() {
        MdevInstance created = mock(MdevInstance.class);
        when(created.uuid()).thenReturn(A);
        when(created.parent()).thenReturn(MockHost.H100);
        when(created.typeId()).thenReturn("nvidia-531");
        when(created.iommuGroup()).thenReturn(7);
        when(mock.h100.create(eq("nvidia-531"), eq(A))).thenReturn(created);
        CliRun run = CliRun.on(mock.host, "create", "nvidia-531", "--uuid", A.toString());
        assertEquals(Main.OK, run.exitCode(), run.all());
        assertEquals(A + "\n", run.out());
        JsonNode json = CliRun.on(mock.host, "create", "nvidia-531", "-u", A.toString(), "--json").json();
        assertEquals("0000:00:06.0", json.get("parent").asString());
        assertEquals(7, json.get("iommu_group").asInt());
    }

    @Test
    void createWithoutUuidMakesARandomOne() {
        when(mock.h100.create(eq("nvidia-531"), any())).thenAnswer(a -> {
            MdevInstance i = mock(MdevInstance.class);
            when(i.uuid()).thenReturn(a.getArgument(1));
            return i;
        });
        CliRun first = CliRun.on(mock.host, "create", "nvidia-531");
        CliRun second = CliRun.on(mock.host, "create", "nvidia-531");
        assertEquals(Main.OK, first.exitCode(), first.all());
        assertNotEquals(first.out(), second.out());
        assertDoesNotThrow(() -> UUID.fromString(first.out().strip()));
    }

    @Test
    void createOnAGpuWithoutInstancesLeftLetsTheKernelSayWhy() {
        // nvidia-529 is offered with 0 available: the create goes to that GPU and its refusal is the message
        when(mock.h100.create(eq("nvidia-529"), any())).thenThrow(KernelException.of("create mdev",
                "/sys/class/mdev_bus/0000:00:06.0/mdev_supported_types/nvidia-529/create", Errno.ENOSPC, null));
        CliRun run = CliRun.on(mock.host, "create", "nvidia-529");
        assertEquals(Main.FAILED, run.exitCode(), run.all());
        assertTrue(run.err().contains("ENOSPC") && run.err().contains("nvidia-529/create"), run.err());
        assertInstanceOf(CapacityException.class, KernelException.of("x", "y", Errno.ENOSPC, null));
    }

    @Test
    void createOfATypeNoGpuOffersIsBadInput() {
        CliRun run = CliRun.on(mock.host, "create", "nvidia-999");
        assertEquals(Main.BAD_INPUT, run.exitCode(), run.all());
        assertTrue(run.err().contains("nvidia-999") && run.err().contains("mdevgpu types"), run.err());
        verify(mock.h100, never()).create(anyString(), any());
    }

    @Test
    void createOnANamedParent() {
        when(mock.t4.types()).thenReturn(List.of(new SupportedType("nvidia-1", "GVM", "", "vfio-pci", 10)));
        when(mock.t4.create(eq("nvidia-1"), any())).thenAnswer(a -> {
            MdevInstance i = mock(MdevInstance.class);
            when(i.uuid()).thenReturn(a.getArgument(1));
            return i;
        });
        assertEquals(Main.OK, CliRun.on(mock.host, "create", "nvidia-1", "--parent", "3b:00.0", "--uuid", B.toString()).exitCode());
        verify(mock.t4).create("nvidia-1", B);
    }

    @Test
    void createWithAMalformedUuidOrNoTypeIsBadInput() {
        assertEquals(Main.BAD_INPUT, CliRun.on(mock.host, "create", "nvidia-531", "--uuid", "not-a-uuid").exitCode());
        assertEquals(Main.BAD_INPUT, CliRun.on(mock.host, "create").exitCode());
        verifyNoInteractions(mock.h100);
    }

    @Test
    void removeRemovesTheNamedInstance() {
        MdevInstance a = mock.addInstance(A, "nvidia-531", null);
        CliRun run = CliRun.on(mock.host, "remove", A.toString());
        assertEquals(Main.OK, run.exitCode(), run.all());
        assertEquals("removed " + A + "\n", run.out());
        verify(a).remove();
        assertEquals(A.toString(), CliRun.on(mock.host, "remove", A.toString(), "--json").json().get("removed").asString());
    }

    @Test
    void removeOfAnUnknownInstanceIsBadInputAndOfABusyOneFails() {
        CliRun unknown = CliRun.on(mock.host, "remove", B.toString());
        assertEquals(Main.BAD_INPUT, unknown.exitCode(), unknown.all());
        assertTrue(unknown.err().contains(B.toString()) && unknown.err().contains("mdevgpu list"), unknown.err());
        MdevInstance a = mock.addInstance(A, "nvidia-531", null);
        doThrow(new DeviceInUseException("remove mdev", A.toString(), "held open by this process (VfioDevice not closed)"))
                .when(a).remove();
        CliRun busy = CliRun.on(mock.host, "remove", A.toString());
        assertEquals(Main.FAILED, busy.exitCode(), busy.all());
        assertTrue(busy.err().contains("held open"), busy.err());
    }

    @Test
    void defineWritesAPersistentDefinitionAndPrintsItsUuid() {
        when(mock.definitions.define(any(Request.class))).thenAnswer(a -> {
            Request r = a.getArgument(0);
            return new Definition(r.uuid(), r.parent(), r.typeId(), r.autoStart(), List.of());
        });
        CliRun run = CliRun.on(mock.host, "define", "nvidia-531", "--uuid", A.toString(), "--auto");
        assertEquals(Main.OK, run.exitCode(), run.all());
        assertEquals(A + "\n", run.out());
        verify(mock.definitions).define(Request.newBuilder(MockHost.H100, "nvidia-531").uuid(A).autoStart(true).build());
        JsonNode json = CliRun.on(mock.host, "define", "nvidia-1", "--parent", "3b:00.0", "--uuid", B.toString(), "--json").json();
        assertEquals("manual", json.get("start").asString());
        assertEquals("0000:3b:00.0", json.get("parent").asString());
        verify(mock.definitions).define(Request.newBuilder(PciAddress.parse("0000:3b:00.0"), "nvidia-1").uuid(B).build());
    }

    @Test
    void defineWithoutTypePersistsAnActiveInstance() {
        mock.addInstance(A, "nvidia-531", null);
        when(mock.definitions.define(any(Request.class))).thenAnswer(a -> {
            Request r = a.getArgument(0);
            return new Definition(r.uuid(), r.parent(), r.typeId(), r.autoStart(), List.of());
        });
        assertEquals(Main.OK, CliRun.on(mock.host, "define", "--uuid", A.toString()).exitCode());
        verify(mock.definitions).define(Request.newBuilder(MockHost.H100, "nvidia-531").uuid(A).build());
        CliRun neither = CliRun.on(mock.host, "define");
        assertEquals(Main.BAD_INPUT, neither.exitCode());
        assertTrue(neither.err().contains("TYPE") && neither.err().contains("--uuid"), neither.err());
        assertEquals(Main.BAD_INPUT, CliRun.on(mock.host, "define", "--uuid", B.toString()).exitCode(), "B is not active");
        assertEquals(Main.BAD_INPUT, CliRun.on(mock.host, "define", "--uuid", A.toString(), "--parent", "3b:00.0").exitCode());
    }

    @Test
    void undefineStartAndStopNeedAnExistingDefinition() {
        for (String verb : List.of("undefine", "start", "stop")) {
            CliRun run = CliRun.on(mock.host, verb, A.toString());
            assertEquals(Main.BAD_INPUT, run.exitCode(), verb + ": " + run.all());
            assertTrue(run.err().contains("list --defined"), run.err());
        }
        verify(mock.definitions, never()).undefine(any());
        verify(mock.definitions, never()).start(any());
        verify(mock.definitions, never()).stop(any());
    }

    @Test
    void undefineStartAndStop() {
        mock.addDefinition(A, "nvidia-531", false);
        MdevInstance started = mock(MdevInstance.class);
        when(started.uuid()).thenReturn(A);
        when(mock.definitions.start(A)).thenReturn(started);
        assertEquals(A + "\n", CliRun.on(mock.host, "start", A.toString()).out());
        assertEquals("stopped " + A + "\n", CliRun.on(mock.host, "stop", A.toString()).out());
        assertEquals("undefined " + A + "\n", CliRun.on(mock.host, "undefine", A.toString()).out());
        var order = inOrder(mock.definitions);
        order.verify(mock.definitions).start(A);
        order.verify(mock.definitions).stop(A);
        order.verify(mock.definitions).undefine(A);
    }
}
