package io.mdevgpu.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/** The CLI's slf4j binding: found by slf4j, its line format, and its levels by name. */
class StderrLoggingTest {
    private final PrintStream stderr = System.err;

    @AfterEach
    void restore() {
        System.setErr(stderr);
        System.clearProperty("mdevgpu.log.io.mdevgpu.kernel.nvrm");
        System.clearProperty("mdevgpu.log.io.mdevgpu.kernel");
    }

    @Test
    void slf4jBindsTheCliToIt() {
        assertInstanceOf(StderrLogging.class, LoggerFactory.getILoggerFactory(),
                "the CLI's tests run without slf4j-simple, as the command does");
    }

    @Test
    void aLineNamesTheLevelAndTheClassThenTheStackTrace() {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true));
        StderrLogger log = new StderrLogger("io.mdevgpu.sim.SimulatedKernel", Level.INFO);
        log.info("simulated host at {}: {} GPU(s)", "/tmp/h", 3);
        log.debug("not shown at info");
        log.warn("failed", new IllegalStateException("boom"));
        String text = captured.toString();
        assertTrue(text.startsWith("[INFO] SimulatedKernel - simulated host at /tmp/h: 3 GPU(s)\n"
                + "[WARN] SimulatedKernel - failed\njava.lang.IllegalStateException: boom\n"), text);
        assertFalse(text.contains("not shown"), text);
    }

    @Test
    void aLevelSetForANameHoldsForTheLoggersUnderIt() {
        StderrLogging logging = new StderrLogging();
        logging.initialize();
        System.setProperty("mdevgpu.log.io.mdevgpu.kernel", "debug");
        System.setProperty("mdevgpu.log.io.mdevgpu.kernel.nvrm", "trace");
        assertEquals(Level.TRACE, logging.levelOf("io.mdevgpu.kernel.nvrm.RmClient"));
        assertEquals(Level.DEBUG, logging.levelOf("io.mdevgpu.kernel.vfio.LinuxVfioKernel"));
        assertEquals(Level.WARN, logging.levelOf("io.mdevgpu.core.host.Applier"), "surefire sets mdevgpu.log=warn");
        assertTrue(logging.getLogger("io.mdevgpu.kernel.nvrm.RmEscapes").isTraceEnabled());
        assertFalse(logging.getLogger("io.mdevgpu.core.host.Planner").isInfoEnabled());
    }

    @Test
    void oneSettingGivesTheDefaultAndTheLevelsOfNames() {
        String before = System.getProperty("mdevgpu.log");
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true));
        try {
            System.setProperty("mdevgpu.log", "error, io.mdevgpu.kernel.nvrm=trace,io.mdevgpu.sim=loud");
            StderrLogging logging = new StderrLogging();
            logging.initialize();
            assertEquals(Level.ERROR, logging.levelOf("io.mdevgpu.core.host.Applier"));
            assertEquals(Level.TRACE, logging.levelOf("io.mdevgpu.kernel.nvrm.RmClient"));
            assertEquals(Level.ERROR, logging.levelOf("io.mdevgpu.sim.SimulatedKernel"), "a bad part is left out");
            assertTrue(captured.toString().contains("'io.mdevgpu.sim=loud' in mdevgpu.log or MDEVGPU_LOG names no level"),
                    captured.toString());
        } finally {
            if (before == null) System.clearProperty("mdevgpu.log");
            else System.setProperty("mdevgpu.log", before);
        }
    }

    @Test
    void levelsParseInAnyCaseAndAnythingElseIsNone() {
        assertEquals(Level.TRACE, StderrLogging.parse(" Trace "));
        assertEquals(Level.ERROR, StderrLogging.parse("error"));
        assertNull(StderrLogging.parse("verbose"));
    }
}
