package io.mdevgpu.sim;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.junit.jupiter.api.Test;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

import io.mdevgpu.MdevHost;
import io.mdevgpu.VfioDevice;

/**
 * The JUnit extension, run on sample test classes through the JUnit launcher: a host per test in a directory of its
 * own, removed after; a test that leaves a device open fails; the opt-out; a method's inventory over its class's.
 */
class SimulatedHostExtensionTest {
    /** What the samples saw, by test name (the launcher runs them in this JVM). */
    static final Map<String, Path> TREES = new ConcurrentHashMap<>();

    @WithSimulatedHost("a100x2")
    static class Sample {
        @org.junit.jupiter.api.Test
        void handsTheHostItsFaultsAndItself(MdevHost host, Faults faults, SimulatedHost sim) {
            assertSame(host, sim.host());
            assertSame(faults, sim.faults());
            assertEquals(2, host.gpus().size(), "the class's inventory");
            TREES.put("class", host.spec().simulatedTree().orElseThrow());
        }

        @org.junit.jupiter.api.Test
        @WithSimulatedHost("default")
        void theMethodsInventoryWins(MdevHost host) {
            assertEquals(3, host.gpus().size());
            TREES.put("method", host.spec().simulatedTree().orElseThrow());
        }
    }

    static class Leaking {
        @org.junit.jupiter.api.Test
        @WithSimulatedHost
        void leavesADeviceOpen(MdevHost host) {
            host.plan(Path.of(System.getProperty("mdevgpu.repo"), "samples/config/open-vgeneric.toml")).apply();
            var gpu = host.gpus().getFirst();
            VfioDevice device = gpu.create(gpu.types().getFirst().id()).open(); // never closed
            assertNotNull(device);
            TREES.put("leak", host.spec().simulatedTree().orElseThrow());
        }

        @org.junit.jupiter.api.Test
        @WithSimulatedHost(checkLeaks = false)
        void leavesADeviceOpenUnchecked(MdevHost host) {
            leavesADeviceOpen(host);
        }
    }

    @Test
    void eachTestGetsItsOwnHostFromTheAnnotationRemovedAfterIt() {
        Map<String, TestExecutionResult> results = run(Sample.class);
        assertEquals(List.of(TestExecutionResult.Status.SUCCESSFUL, TestExecutionResult.Status.SUCCESSFUL),
                results.values().stream().map(TestExecutionResult::getStatus).toList(), results::toString);
        assertNotEquals(TREES.get("class"), TREES.get("method"));
        for (Path tree : List.of(TREES.get("class"), TREES.get("method"))) {
            assertFalse(Files.exists(tree), tree + " deleted after the test");
            assertFalse(Files.exists(tree.getParent()), "and the test's directory");
        }
    }

    @Test
    void aTestThatLeavesADeviceOpenFailsNamingTheLeak() {
        Map<String, TestExecutionResult> results = run(Leaking.class);
        TestExecutionResult leaked = results.get("leavesADeviceOpen(MdevHost)");
        assertEquals(TestExecutionResult.Status.FAILED, leaked.getStatus(), results::toString);
        Throwable cause = leaked.getThrowable().orElseThrow();
        assertInstanceOf(AssertionError.class, cause);
        assertTrue(cause.getMessage().contains("vfio fds") && cause.getMessage().startsWith("the simulated host (default)"),
                cause.getMessage());
        assertEquals(TestExecutionResult.Status.SUCCESSFUL, results.get("leavesADeviceOpenUnchecked(MdevHost)").getStatus(),
                "checkLeaks = false");
        assertFalse(Files.exists(TREES.get("leak")), "closed and deleted all the same");
    }

    private static Map<String, TestExecutionResult> run(Class<?> testClass) {
        Map<String, TestExecutionResult> results = new java.util.TreeMap<>();
        LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request().selectors(selectClass(testClass)).build();
        LauncherFactory.create().execute(request, new TestExecutionListener() {
            @Override
            public void executionFinished(TestIdentifier id, TestExecutionResult result) {
                if (id.isTest()) results.put(id.getDisplayName(), result);
            }
        });
        return results;
    }
}
