package io.mdevgpu.sim;

import static io.mdevgpu.sim.SimHosts.*;
import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.mdevgpu.Display;
import io.mdevgpu.HostStateException;
import io.mdevgpu.MdevType;
import io.mdevgpu.MdevTypeBuilder;
import io.mdevgpu.Size;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The simulated kernel's state file: what it writes reads back to the same state; what it did not write is refused by line. */
class SimKernelStateTest {
    private static final Path FILE = Path.of("/srv/h/run/mdevgpu-sim/kernel.state");

    /** A state with every kind of record, and names a line of words must carry: spaces, %, +, =, quotes, non-ASCII. */
    static SimKernelState sample() {
        MdevType odd = MdevTypeBuilder.number(77).name("Grüße 100% + \"quoted\" a=b").gpuClass("Quadro")
                .maxInstances(3).framebuffer(Size.mib(1024)).reserved(Size.ZERO).bar1(Size.mib(128)).ecc(false).multiVgpu(true)
                .encoderCapacity(42).display(new Display(2, 5120, 2880, 30, true)).build();
        UUID a = UUID.fromString("6f2a1c0e-4b1d-4e55-9a64-0d4a8e3f7b01"), b = UUID.fromString("00000000-0000-4000-8000-000000000002");
        return new SimKernelState(SimKernelState.hostOf(defaultHost("550.54.14")),
                Map.of(A100_0, List.of(ampere().get(0), ampere().get(1), odd), A100_1, List.of()),
                Map.of(A100_0, List.of(ampere().get(0), odd)),
                List.of(new SimKernelState.InstanceRecord(a, A100_0, "nvidia-531", 12, false, ampere().get(0)),
                        new SimKernelState.InstanceRecord(b, A100_0, "nvidia-77", 3, true, odd)),
                List.of(new SimKernelState.Holder(b.toString(), 4242, 1732450000000L, -81236490127L, true),
                        new SimKernelState.Holder(a.toString(), 4243, 1732450000500L, 77120934L, false),
                        new SimKernelState.Holder("0000:ca:00.4", 4244, 1732450000900L, 5521907L, true)),
                List.of(new SimKernelState.SriovRecord(A100_1, 4, true, Map.of(0, ampere().get(0), 3, odd))));
    }

    @Test
    void whatItWritesReadsBackToTheSameState() {
        SimKernelState state = sample();
        SimKernelState back = SimKernelState.parse(state.text(), FILE);
        assertEquals(state.host(), back.host());
        assertEquals(Map.of(A100_0, state.tables().get(A100_0)), back.tables(), "an empty table writes no line");
        assertEquals(state.registered(), back.registered());
        assertEquals(state.instances(), back.instances());
        assertEquals(state.holders(), back.holders());
        assertEquals(state.sriov(), back.sriov(), "the VFs and the types they hold read back");
        assertEquals(state.text(), back.text());
        assertTrue(state.text().startsWith(SimKernelState.MAGIC + "\nhost driver 550.54.14; "), state.text());
        assertTrue(state.text().contains("opener=-81236490127\nholder 6f2a1c0e-4b1d-4e55-9a64-0d4a8e3f7b01 pid=4243 "
                + "start=1732450000500 opener=77120934 holds=group\n"), "a device's holder line reads as before: " + state.text());
        assertTrue(state.text().contains("\nholder 0000:ca:00.4 pid=4244 start=1732450000900 opener=5521907\n"),
                "a VF's VFIO device is held by its address: " + state.text());
        assertTrue(state.text().contains("\nsriov " + A100_1 + " vfs=4 heterogeneous=true\nvf " + A100_1 + " index=0 number="),
                state.text());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "no magic                 | 1 | not-a-state                                                    | does not begin with",
            "unknown record           | 3 | frobnicate 1                                                   | unknown record \"frobnicate\"",
            "bad address              | 3 | registered 0000:zz:00.0                                        | 0000:zz:00.0",
            "published first          | 3 | published 0000:65:00.0 number=1                                | published before its registered line",
            "not key=value            | 3 | table 0000:65:00.0 number                                      | \"number\" is no key=value",
            "missing key              | 3 | table 0000:65:00.0 number=1                                    | no name=",
            "bad uuid                 | 3 | holder not-a-uuid pid=1 start=2 opener=3                       | not-a-uuid",
            "bad number               | 3 | holder 00000000-0000-4000-8000-000000000002 pid=x start=2 opener=3 | x",
            "bad vf holder            | 3 | holder 0000:zz:00.4 pid=1 start=2 opener=3                     | 0000:zz:00.4",
            "bad holds                | 3 | holder 00000000-0000-4000-8000-000000000002 pid=1 start=2 opener=3 holds=fd | holds=fd is not device or group",
    })
    void aStateItDidNotWriteIsRefusedNamingTheLine(String what, int line, String text, String problem) {
        String body = what.startsWith("no magic") ? text + "\n" : SimKernelState.MAGIC + "\nhost h\n" + text + "\n";
        HostStateException e = assertThrows(HostStateException.class, () -> SimKernelState.parse(body, FILE));
        assertTrue(e.getMessage().contains(FILE + ":" + line), e.getMessage());
        assertTrue(e.getMessage().contains(problem), e.getMessage());
        assertTrue(e.getMessage().contains("delete the simulated host's directory (/srv/h) to start it afresh"), e.getMessage());
    }

    @Test
    void aTypeTheApiRefusesIsRefusedWithItsLine() {
        String type = SimKernelState.typeText(ampere().getFirst()).replace("number=531", "number=0");
        HostStateException e = assertThrows(HostStateException.class,
                () -> SimKernelState.parse(SimKernelState.MAGIC + "\nhost h\ntable 0000:65:00.0 " + type + "\n", FILE));
        assertTrue(e.getMessage().contains(FILE + ":3") && e.getMessage().contains("type number"), e.getMessage());
        HostStateException noHost = assertThrows(HostStateException.class, () -> SimKernelState.parse(SimKernelState.MAGIC + "\n", FILE));
        assertTrue(noHost.getMessage().contains("it names no host"), noHost.getMessage());
    }
}
