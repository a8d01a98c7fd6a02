package io.mdevgpu.realkernel;

import io.mdevgpu.kernel.mdev.MdevInstanceInfo;
import io.mdevgpu.realkernel.Mdevctl.Device;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import static io.mdevgpu.realkernel.Library.BUS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Issue 4, item 3: Debian's mdevctl 1.2.0 and the library see the same instances and definitions. */
@ExtendWith(GuestVm.class)
class MdevctlInteropTest {
    @Test
    @DisplayName("mdevctl lists the instances we created and the definitions we wrote")
    void mdevctlListsTheInstancesWeCreatedAndTheDefinitionsWeWrote() {
        UUID active = Library.create("mtty", "mtty-1");
        Device definedOnly = new Device(UUID.randomUUID(), "mdpy", "mdpy-vga", "manual");
        Device definedAndActive = new Device(UUID.randomUUID(), "mbochs", "mbochs-small", "auto");
        Mdevctl.writeDefinition(definedOnly);
        Mdevctl.writeDefinition(definedAndActive);
        BUS.create(definedAndActive.parent(), definedAndActive.type(), definedAndActive.uuid());

        // active devices: mdevctl shows a running instance it has no definition of as "manual"
        assertEquals(Set.of(new Device(active, "mtty", "mtty-1", "manual"), definedAndActive),
                Set.copyOf(Mdevctl.list()), "mdevctl list");
        assertEquals(Set.copyOf(Mdevctl.list()), Set.copyOf(Mdevctl.listJson()), "mdevctl list --dumpjson");
        assertEquals(Mdevctl.list().stream().map(d -> d.uuid() + " " + d.parent() + " " + d.type()).collect(Collectors.toSet()),
                BUS.instances().stream().map(i -> i.uuid() + " " + i.parent() + " " + i.typeId()).collect(Collectors.toSet()),
                "the library lists what mdevctl lists");
        assertEquals(Set.of(definedOnly, definedAndActive), Set.copyOf(Mdevctl.list("--defined")), "mdevctl list --defined");
        assertEquals(Set.of(definedOnly, definedAndActive), Set.copyOf(Mdevctl.listJson("--defined")),
                "mdevctl list --defined --dumpjson");

        for (UUID uuid : List.of(active, definedAndActive.uuid())) assertTrue(BUS.remove(uuid));
        Mdevctl.deleteAllDefinitions();
        assertEquals(List.of(), Mdevctl.list("--defined"), "mdevctl sees the definitions gone");
    }

    @Test
    @DisplayName("we list what mdevctl defined and started")
    void weListWhatMdevctlDefinedAndStarted() {
        UUID defined = UUID.randomUUID();
        UUID transientOne = UUID.randomUUID();
        Mdevctl.run("define", "-u", defined.toString(), "-p", "mtty", "-t", "mtty-2");
        Mdevctl.run("start", "-u", defined.toString());
        Mdevctl.run("start", "-u", transientOne.toString(), "-p", "mbochs", "-t", "mbochs-medium");
        try {
            Set<MdevInstanceInfo> instances = Set.copyOf(BUS.instances());
            assertEquals(Set.of(new Device(defined, "mtty", "mtty-2", "manual"),
                    new Device(transientOne, "mbochs", "mbochs-medium", "manual")),
                    instances.stream().map(i -> new Device(i.uuid(), i.parent(), i.typeId(), "manual")).collect(Collectors.toSet()),
                    "the instances mdevctl started");
            assertEquals(Set.of(new Device(defined, "mtty", "mtty-2", "manual")), Set.copyOf(Mdevctl.definitions()),
                    "the definition mdevctl wrote");
        } finally {
            Mdevctl.run("stop", "-u", defined.toString());
            Mdevctl.run("stop", "-u", transientOne.toString());
            Mdevctl.run("undefine", "-u", defined.toString());
        }
        assertEquals(Set.of(), Set.copyOf(BUS.instances()));
        assertEquals(Set.of(), Set.copyOf(Mdevctl.definitions()));
    }
}
