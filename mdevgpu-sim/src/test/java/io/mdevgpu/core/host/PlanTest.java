package io.mdevgpu.core.host;

import io.mdevgpu.ConfigException;
import io.mdevgpu.MdevType;
import io.mdevgpu.MdevTypeBuilder;
import io.mdevgpu.Plan;
import io.mdevgpu.PlanException;
import io.mdevgpu.Size;
import io.mdevgpu.ValidationException;
import io.mdevgpu.core.config.ConfigLoader;
import io.mdevgpu.core.config.MdevConfig;
import io.mdevgpu.core.inventory.HostInventory;
import io.mdevgpu.core.inventory.InventoryLoader;
import io.mdevgpu.sim.Faults;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static io.mdevgpu.core.host.SimHosts.*;
import static org.junit.jupiter.api.Assertions.*;

/** Planning is pure and says, located in the file, why a configuration does not suit the host. */
class PlanTest {
    static final String TYPE = """
            [[gpu.type]]
            number = 531
            max_instances = 4
            framebuffer = "9536MiB"
            reserved = "704MiB"
            """;

    @TempDir
    Path dir;

    Path file(String text) throws IOException {
        Path f = dir.resolve("c.toml");
        Files.writeString(f, text);
        return f;
    }

    @Test
    void aFilterThatMatchesNoGpuIsAConfigErrorAtTheFilter() throws IOException {
        try (EngineHost host = open("default")) {
            Path f = file("schema = 1\n[[gpu]]\nfilter = { bus = 0x42 }\n" + TYPE);
            ConfigException e = assertThrows(ConfigException.class, () -> host.plan(f));
            assertEquals("gpu[0].filter", e.keyPath());
            assertEquals(3, e.line());
            assertEquals(f, e.file());
            assertTrue(e.getMessage().contains("matches no GPU") && e.getMessage().contains("0000:b3:00.0 Tesla T4"), e.getMessage());
        }
    }

    @Test
    void aGpuMatchedByTwoEntriesIsAConfigErrorNamingBoth() throws IOException {
        try (EngineHost host = open("default")) {
            Path f = file("schema = 1\n[[gpu]]\nfilter = { device = 0x20B0 }\n" + TYPE
                    + "[[gpu]]\n[gpu.filter]\nbus = 0x65\n" + TYPE);
            ConfigException e = assertThrows(ConfigException.class, () -> host.plan(f));
            assertEquals("gpu[1].filter", e.keyPath());
            assertEquals(10, e.line(), e.getMessage()); // the [gpu.filter] header
            assertTrue(e.getMessage().contains("0000:65:00.0, which gpu[0] matches too"), e.getMessage());
        }
    }

    @Test
    void aFilterNamingADisplayDeviceThatIsNotNvidiasIsAConfigError() throws IOException {
        HostInventory withAspeed = InventoryLoader.parse("""
                schema = 1
                name = "bmc"
                description = "an A100 and the board's ASPEED VGA"
                [driver]
                version = "550.54.14"
                [[gpu]]
                address = "0000:03:00.0"
                model = "t4"
                vendor = 0x1A03
                device = 0x2000
                subsystem_vendor = 0x1A03
                subsystem_device = 0x2000
                class = 0x030000
                name = "ASPEED Graphics Family"
                [[gpu]]
                address = "0000:65:00.0"
                model = "a100-40g"
                """, null);
        try (EngineHost host = open(withAspeed, new Faults())) {
            Path f = file("schema = 1\n[[gpu]]\nfilter = { vendor = 0x1A03 }\n" + TYPE);
            ConfigException e = assertThrows(ConfigException.class, () -> host.plan(f));
            assertEquals("gpu[0].filter", e.keyPath());
            assertTrue(e.getMessage().contains("not NVIDIA GPUs") && e.getMessage().contains("1a03:2000"), e.getMessage());
            // without a filter the ASPEED is simply left alone
            Plan every = host.plan(file("schema = 1\n[[gpu]]\n" + TYPE));
            assertTrue(every.fits(), every::toString);
            assertEquals(List.of(A100_2), every.gpus().stream().map(Plan.GpuPlan::address).toList());
            assertTrue(every.notes().getFirst().contains("not an NVIDIA GPU"), every.notes()::toString);
        }
    }

    @Test
    void typesThatDoNotFitAFilteredGpuAreProblemsAndApplyChangesNothing() throws IOException {
        Faults faults = new Faults();
        try (EngineHost host = open(InventoryLoader.builtIn("default"), faults)) {
            Plan plan = host.plan(file("schema = 1\n[[gpu]]\nfilter = { bus = 0xB3 }\n" + TYPE));
            assertFalse(plan.fits());
            assertTrue(plan.problems().getFirst().contains("only 1 fit in the framebuffer"), plan.problems()::toString);
            assertEquals(1, plan.gpus().getFirst().types().getFirst().instancesThatFit());
            assertEquals("framebuffer", plan.gpus().getFirst().types().getFirst().limitedBy());
            long calls = faults.calls();
            PlanException e = assertThrows(PlanException.class, plan::apply);
            assertEquals(plan.problems(), e.reasons());
            assertEquals(calls, faults.calls(), "apply sent nothing");
            // and a profile whose types fit no GPU at all
            Plan none = host.plan(file("schema = 1\n[[gpu]]\n" + TYPE.replace("max_instances = 4", "max_instances = 5")));
            assertFalse(none.fits());
            assertTrue(none.problems().getLast().contains("fit none of the GPUs"), none::toString);
        }
    }

    @Test
    void replacingTypesUnderInstancesIsRefusedUnlessTheyAreKept() throws IOException {
        try (EngineHost host = open("default")) {
            host.plan(sample("open-vampere")).apply();
            host.gpu("65:00.0").create("nvidia-532");
            Plan replace = host.plan(sample("open-vgeneric"));
            assertFalse(replace.fits());
            assertTrue(String.join(" ", replace.problems()).contains("has 1 mdev instance(s)"), replace::toString);
            MdevConfig kept = ConfigLoader.load(sample("open-vgeneric")).withKeep(true);
            Plan keep = host.plan(kept);
            assertTrue(keep.fits(), keep::toString);
            assertTrue(keep.gpus().get(1).changes().contains("keep nvidia-529 \"Open vAmpere\""), keep.gpus().get(1).changes()::toString);
            keep.apply();
            assertEquals(7, host.gpu("65:00.0").types().size(), "4 Ampere types kept, 3 generic added");
        }
    }

    @Test
    void applyingTheSameTypesAgainUnderInstancesSendsNothingAndSparesThem() {
        Faults faults = new Faults();
        try (EngineHost host = open(InventoryLoader.builtIn("default"), faults)) {
            host.plan(sample("open-vampere")).apply();
            var tablesBefore = tables(host);
            var instance = host.gpu("65:00.0").create("nvidia-532");
            Plan again = host.plan(sample("open-vampere")); // as a boot unit restarted while guests run
            assertTrue(again.fits(), again::toString);
            assertTrue(again.gpus().get(1).changes().stream().allMatch(c -> c.startsWith("keep ") && c.endsWith(", unchanged")),
                    again.gpus().get(1).changes()::toString);
            faults.clearLog();
            var result = again.apply();
            assertTrue(result.steps().contains("GPU 0000:65:00.0 has nvidia-529, nvidia-530, nvidia-531, nvidia-532 already, "
                    + "as planned: nothing sent to it"), result.steps()::toString);
            assertEquals(List.of(), faults.log(Faults.Seam.NVIDIA).stream().filter(c -> c.contains("SET_INFO")
                    || c.contains("MDEV_REGISTER") || c.contains("UPDATE_PGPU_INFO")).toList(), "no type was sent to any GPU");
            assertEquals(tablesBefore, tables(host));
            assertEquals(List.of(instance.uuid()), host.instances().stream().map(i -> i.uuid()).toList());
            assertEquals(8, result.publishedTypes().size(), "read back from the bus all the same");
        }
    }

    @Test
    void anInstanceCreatedAfterThePlanIsSeenUnderTheApplyLock() {
        try (EngineHost host = open("default")) {
            host.plan(sample("open-vampere")).apply();
            Plan replace = host.plan(sample("open-vgeneric")); // fits now: no instance yet
            Plan same = host.plan(sample("open-vampere"));
            assertTrue(replace.fits(), replace::toString);
            var tablesBefore = tables(host);
            var instance = host.gpu("17:00.0").create("nvidia-531"); // meanwhile, another process creates one
            PlanException e = assertThrows(PlanException.class, replace::apply);
            assertEquals(List.of("GPU 0000:17:00.0 has 1 mdev instance(s) (" + instance.uuid() + " nvidia-531): replacing its "
                    + "types would take them from under a guest; remove them first, or keep the GPU's types (keep = true); "
                    + "seen under the apply lock"), e.reasons());
            assertTrue(e.hostChangedSincePlan(), "not a plan that does not fit");
            assertTrue(e.getMessage().endsWith("the host changed since the plan: nothing was changed; make the plan again"),
                    e.getMessage());
            assertEquals(tablesBefore, tables(host), "no GPU was changed, not even the one without instances");
            same.apply(); // the same types: nothing to send, the instance stays
            assertEquals(tablesBefore, tables(host));
            assertTrue(host.instance(instance.uuid()).isPresent());
        }
    }

    @Test
    void keepingATypeWhoseNumberIsTakenIsAProblem() {
        try (EngineHost host = open("default")) {
            host.plan(sample("open-vampere")).apply();
            MdevType other = MdevTypeBuilder.number(531).name("Something else").maxInstances(2)
                    .framebuffer(Size.mib(8192)).reserved(Size.mib(512)).build();
            MdevConfig config = MdevConfig.of(true, List.of(io.mdevgpu.core.config.GpuEntry.of(
                    io.mdevgpu.GpuFilter.ANY.bus(0x65), other)));
            Plan plan = host.plan(config);
            assertFalse(plan.fits());
            assertTrue(plan.problems().getFirst().contains("nvidia-531 is registered already"), plan::toString);
        }
    }

    @Test
    void aParentsOwnPlanReplacesItsTableAndRefusesNothingToRegister() {
        try (EngineHost host = open("default")) {
            MdevType half = MdevTypeBuilder.number(530).name("Half").maxInstances(2).framebuffer(Size.mib(7168))
                    .reserved(Size.mib(512)).build();
            Plan plan = host.gpu("b3:00.0").plan(half);
            assertTrue(plan.fits(), plan::toString);
            assertEquals(List.of("add nvidia-530 \"Half\" (2 x 7GiB)"), plan.gpus().getFirst().changes());
            assertEquals(2, plan.apply().publishedTypes().getFirst().availableInstances());
            assertThrows(ValidationException.class, () -> host.gpu("b3:00.0").plan(List.of()));
        }
    }
}
