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
    void eachVerbIsNamedAsItsCommandSaysAndHelpListsThemAll() {
        Main.VERBS.forEach((name, command) -> assertEquals(name,
                command.get().getClass().getAnnotation(picocli.CommandLine.Command.class).name(), "the verb " + name));
        var all = Main.commandLine(new java.io.PrintWriter(java.io.Writer.nullWriter()),
                new java.io.PrintWriter(java.io.Writer.nullWriter())).getSubcommands().keySet();
        assertEquals(List.copyOf(Main.VERBS.keySet()), List.copyOf(all), "--help lists every verb, in order");
    }

    @Test
    void aCommandLineGetsOnlyTheVerbItNames() {
        assertEquals("list", Main.verbOf(new String[]{"list"}));
        assertEquals("list", Main.verbOf(new String[]{"--host", "sim", "--json", "list", "--defined"}));
        assertEquals("gpus", Main.verbOf(new String[]{"--host=sim@/tmp/x", "gpus", "-v"}));
        assertEquals("create", Main.verbOf(new String[]{"--host", "list", "create", "nvidia-532"}),
                "--host's value is no verb, even when it reads like one");
        assertNull(Main.verbOf(new String[]{"--help"}));
        assertNull(Main.verbOf(new String[]{}));
        assertNull(Main.verbOf(new String[]{"help", "list"}), "help lists the others");
        assertNull(Main.verbOf(new String[]{"lsit"}), "a typo gets every verb, so that the usage lists them");
        assertNull(Main.verbOf(new String[]{"--", "list"}));

        var pw = new java.io.PrintWriter(java.io.Writer.nullWriter());
        assertEquals(List.of("list"), List.copyOf(Main.commandLine(pw, pw, spec -> null,
                new String[]{"--host", "sim", "list"}).getSubcommands().keySet()));
        assertEquals(List.copyOf(Main.VERBS.keySet()), List.copyOf(Main.commandLine(pw, pw, spec -> null,
                new String[]{"lsit"}).getSubcommands().keySet()));
    }

    @Test
    void aMistypedVerbIsStillBadInputFollowedByEveryVerb() {
        CliRun run = CliRun.of("lsit");
        assertEquals(Main.BAD_INPUT, run.exitCode(), run.all());
        assertTrue(run.err().contains("Unmatched argument at index 0: 'lsit'"), run.err());
        for (String verb : Main.VERBS.keySet()) assertTrue(run.err().contains("  " + verb + " "), verb + " in " + run.err());
    }
}
