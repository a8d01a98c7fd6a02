package io.mdevgpu.cli;

import static org.junit.jupiter.api.Assertions.*;
import static org.mockito.Mockito.*;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import io.mdevgpu.Errno;
import io.mdevgpu.HostSpec;
import io.mdevgpu.HostStateException;
import io.mdevgpu.KernelException;
import io.mdevgpu.ValidationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The options every verb takes, and how failures become exit codes and messages. */
class MainTest {
    @Test
    void hostNamesARealOrSimulatedHost() {
        assertEquals(HostSpec.real(), HostSpec.parse("real"));
        assertEquals(HostSpec.simulated("default"), HostSpec.parse("sim"));
        assertEquals(HostSpec.simulated("a100x2"), HostSpec.parse("sim:a100x2"));
        assertEquals(HostSpec.simulated("/tmp/inv.toml"), HostSpec.parse("sim:/tmp/inv.toml"));
        assertEquals(HostSpec.realAt(Path.of("/srv/tree")), HostSpec.parse("real:/srv/tree"));
        assertEquals(HostSpec.simulatedAt("default", Path.of("/var/tmp/host")), HostSpec.parse("sim@/var/tmp/host"));
        assertEquals(HostSpec.simulatedAt("a100x2", Path.of("rel/host")), HostSpec.parse("sim:a100x2@rel/host"));
        assertEquals(HostSpec.simulatedAt("/tmp/inv.toml", Path.of("/tmp/h")), HostSpec.parse("sim:/tmp/inv.toml@/tmp/h"));
        assertEquals("simulated host (a100x2) at /tmp/h", HostSpec.parse("sim:a100x2@/tmp/h").toString());
        for (String form : List.of("real", "real:/srv/tree", "sim", "sim:a100x2", "sim@/var/tmp/host", "sim:a100x2@/tmp/h")) {
            assertEquals(form, HostSpec.parse(form).argument(), "argument() names the host as --host does");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"simulated", "sim:", "real:", "", "localhost", "sim@", "sim:@/tmp/h", "sim:a100x2@"})
    void aHostThatNamesNothingIsBadInput(String host) {
        assertThrows(ValidationException.class, () -> HostSpec.parse(host));
        MockHost mock = new MockHost();
        CliRun run = CliRun.on(mock.host, "--host", host, "gpus");
        assertEquals(Main.BAD_INPUT, run.exitCode(), run.all());
        assertTrue(run.err().contains("--host"), run.err());
    }

    @Test
    void hostAndJsonAreAcceptedBeforeAndAfterTheVerb() {
        MockHost mock = new MockHost();
        List<HostSpec> opened = new ArrayList<>();
        CliRun before = CliRun.on(spec -> { opened.add(spec); return mock.host; }, "--host", "sim:a", "--json", "gpus");
        CliRun after = CliRun.on(spec -> { opened.add(spec); return mock.host; }, "gpus", "--host", "sim:b", "--json");
        assertEquals(Main.OK, before.exitCode(), before.all());
        assertEquals(Main.OK, after.exitCode(), after.all());
        assertEquals(List.of(HostSpec.simulated("a"), HostSpec.simulated("b")), opened);
        assertEquals(before.json(), after.json());
        assertTrue(before.json().get("gpus").isArray());
    }

    @Test
    void everyVerbClosesTheHostItOpened() {
        MockHost mock = new MockHost();
        for (String verb : List.of("gpus", "types", "list")) {
            assertEquals(Main.OK, CliRun.on(mock.host, verb).exitCode());
        }
        verify(mock.host, times(3)).close();
    }

    @Test
    void anUnknownVerbOrOptionIsBadInputWithUsage() {
        CliRun run = CliRun.on(new MockHost().host, "carve");
        assertEquals(Main.BAD_INPUT, run.exitCode());
        assertTrue(run.err().contains("carve"), run.err());
        CliRun option = CliRun.on(new MockHost().host, "gpus", "--colour");
        assertEquals(Main.BAD_INPUT, option.exitCode());
        assertTrue(option.err().contains("Usage: mdevgpu gpus"), option.err());
    }

    @Test
    void aKernelFailureExits1WithTheTypedMessageOnStderr() {
        MockHost mock = new MockHost();
        when(mock.host.gpus()).thenThrow(KernelException.of("read", "/sys/bus/pci/devices/0000:00:06.0/class",
                Errno.EACCES, "run as root"));
        CliRun run = CliRun.on(mock.host, "gpus");
        assertEquals(Main.FAILED, run.exitCode());
        assertEquals("", run.out());
        assertTrue(run.err().startsWith("mdevgpu: read /sys/bus/pci/devices/0000:00:06.0/class: EACCES"), run.err());
        assertTrue(run.err().contains("run as root"), run.err());
        verify(mock.host).close();
    }

    @Test
    void aHostThatCannotBeOpenedExits1() {
        CliRun run = CliRun.on(spec -> {
            throw new HostStateException("open host", spec.toString(), "no mdevgpu engine found", "add mdevgpu-core", null);
        }, "--host", "sim", "list");
        assertEquals(Main.FAILED, run.exitCode());
        assertTrue(run.err().contains("no mdevgpu engine found"), run.err());
    }

    @Test
    void anUnexpectedErrorExits1AndNamesItsType() {
        MockHost mock = new MockHost();
        when(mock.host.instances()).thenThrow(new IllegalStateException("boom"));
        CliRun run = CliRun.on(mock.host, "list");
        assertEquals(Main.FAILED, run.exitCode());
        assertTrue(run.err().contains("IllegalStateException: boom"), run.err());
    }

    @Test
    void helpListsEveryVerb() {
        CliRun run = CliRun.on(new MockHost().host, "--help");
        assertEquals(Main.OK, run.exitCode());
        for (String verb : List.of("apply", "plan", "gpus", "types", "list", "create", "remove", "define", "undefine",
                "start", "stop", "inspect", "hostdev", "abi")) {
            assertTrue(run.out().contains("  " + verb + " "), verb + " in\n" + run.out());
        }
    }

    @Test
    void eachVerbIsNamedAsItsSpecSaysAndHelpListsThemAllInOrder() {
        Main.VERBS.forEach((name, entry) -> assertEquals(name, entry.spec().get().name(), "the verb " + name));
        CliRun run = CliRun.on(new MockHost().host, "--help");
        int at = 0;
        for (String verb : Main.VERBS.keySet()) {
            int next = run.out().indexOf("\n  " + verb + " ", at);
            assertTrue(next > at, verb + " after the verbs before it in\n" + run.out());
            at = next;
        }
    }

    @Test
    void helpOfAVerbPrintsItsUsageWhicheverWayItIsAsked() {
        CliRun help = CliRun.on(new MockHost().host, "help", "list");
        CliRun option = CliRun.on(new MockHost().host, "list", "--help");
        CliRun shortOption = CliRun.on(new MockHost().host, "--host", "sim", "list", "-h");
        assertEquals(Main.OK, help.exitCode(), help.all());
        assertTrue(help.out().startsWith("Usage: mdevgpu list [-dhV] [--json] [--host=HOST] [-p=ADDR]\n"), help.out());
        assertEquals(help.out(), option.out());
        assertEquals(help.out(), shortOption.out());
        CliRun unknown = CliRun.on(new MockHost().host, "help", "carve");
        assertEquals(Main.BAD_INPUT, unknown.exitCode());
        assertTrue(unknown.err().contains("Unknown verb: 'carve'"), unknown.err());
    }

    @Test
    void versionIsPrintedBeforeOrAfterAVerbWithoutOpeningAHost() {
        for (String[] line : List.of(new String[]{"--version"}, new String[]{"-V"}, new String[]{"gpus", "--version"})) {
            CliRun run = CliRun.on(spec -> { throw new AssertionError("opened " + spec); }, line);
            assertEquals(Main.OK, run.exitCode(), run.all());
            assertEquals(Main.VERSION + "\n", run.out());
        }
    }

    @Test
    void aBadOptionValueIsBadInputBeforeAnyHostIsOpened() {
        CliRun run = CliRun.on(spec -> { throw new AssertionError("opened " + spec); }, "list", "--parent", "65:00");
        assertEquals(Main.BAD_INPUT, run.exitCode(), run.all());
        assertTrue(run.err().startsWith("mdevgpu: Invalid value for option '--parent=ADDR': "), run.err());
        assertTrue(run.err().contains("Usage: mdevgpu list"), run.err());
        CliRun uuid = CliRun.on(spec -> { throw new AssertionError("opened " + spec); }, "remove", "not-a-uuid");
        assertEquals(Main.BAD_INPUT, uuid.exitCode(), uuid.all());
        assertTrue(uuid.err().startsWith("mdevgpu: Invalid value for UUID: "), uuid.err());
        CliRun missing = CliRun.on(spec -> { throw new AssertionError("opened " + spec); }, "apply");
        assertEquals(Main.BAD_INPUT, missing.exitCode(), missing.all());
        assertTrue(missing.err().startsWith("mdevgpu: Missing required option: '--config=FILE'"), missing.err());
    }

    @Test
    void aTypoIsAnsweredWithTheNearestVerb() {
        assertEquals(java.util.Optional.of("list"), Main.closest("lsit"));
        assertEquals(java.util.Optional.of("types"), Main.closest("type"));
        assertEquals(java.util.Optional.of("inspect"), Main.closest("inspetc"));
        assertEquals(java.util.Optional.empty(), Main.closest("carve"));
        assertTrue(CliRun.of("lsit").err().contains("Did you mean: mdevgpu list?"));
    }

    @Test
    void aMistypedVerbIsStillBadInputFollowedByEveryVerb() {
        CliRun run = CliRun.of("lsit");
        assertEquals(Main.BAD_INPUT, run.exitCode(), run.all());
        assertTrue(run.err().contains("Unmatched argument at index 0: 'lsit'"), run.err());
        for (String verb : Main.VERBS.keySet()) assertTrue(run.err().contains("  " + verb + " "), verb + " in " + run.err());
    }
}
