package io.mdevgpu.realkernel;

import io.mdevgpu.MdevException;
import org.junit.jupiter.engine.JupiterTestEngine;
import org.junit.platform.engine.DiscoverySelector;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.discovery.DiscoverySelectors;
import org.junit.platform.engine.support.descriptor.ClassSource;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;
import org.junit.platform.launcher.core.LauncherConfig;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;
import org.junit.platform.reporting.legacy.xml.LegacyXmlReportGeneratingListener;

import java.io.PrintWriter;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

import static org.junit.platform.engine.discovery.ClassNameFilter.includeClassNamePatterns;

/**
 * Runs the guest suite through the JUnit Platform launcher API and writes the legacy XML report for the host.
 * It replaces the console launcher inside the VM: the console launcher spends ~3 s of a TCG boot in its
 * command-line parser (shaded picocli, class files too old for the AOT cache) and spawns {@code stty}.
 *
 * <p>usage: {@code java ... io.mdevgpu.realkernel.GuestSuiteMain [--train] REPORTS_DIR [Class|Class#method]...};
 * no selection runs every {@code *Test} class of the suite's jar. Exit status 0 only when at least one test
 * ran and none failed. {@code --train} (the host's AOT training run, where every test class fails at once
 * because it is not in the VM) first exercises the library's read-only and native paths and the JSON reader
 * harmlessly, so that their classes land in the AOT cache too.
 */
public final class GuestSuiteMain {
    private GuestSuiteMain() {}

    public static void main(String[] args) throws URISyntaxException {
        if (args.length > 0 && args[0].equals("--train")) {
            train();
            Mdevctl.train();
            ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class).forEach(BufferPoolMXBean::getMemoryUsed);
            args = Arrays.copyOfRange(args, 1, args.length);
        }
        if (args.length < 1) {
            System.err.println("usage: GuestSuiteMain REPORTS_DIR [Class|Class#method]...");
            System.exit(2);
        }
        PrintWriter out = new PrintWriter(System.out, true);
        LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
                .selectors(selectors(Arrays.asList(args).subList(1, args.length)))
                .filters(includeClassNamePatterns(".*Test"))
                .build();
        SummaryGeneratingListener summary = new SummaryGeneratingListener();
        // Jupiter only, nothing auto-registered: the standalone jar's vintage engine alone costs ~1 s under TCG.
        Launcher launcher = LauncherFactory.create(LauncherConfig.builder()
                .enableTestEngineAutoRegistration(false)
                .enableLauncherSessionListenerAutoRegistration(false)
                .enableLauncherDiscoveryListenerAutoRegistration(false)
                .enablePostDiscoveryFilterAutoRegistration(false)
                .enableTestExecutionListenerAutoRegistration(false)
                .addTestEngines(new JupiterTestEngine())
                .build());
        launcher.execute(request, summary, new ProgressPrinter(out),
                new LegacyXmlReportGeneratingListener(Path.of(args[0]), out));
        TestExecutionSummary result = summary.getSummary();
        result.printFailuresTo(out, 25);
        out.printf("GUEST JUNIT: %d tests, %d passed, %d failed, %d skipped, %d aborted, %d ms%n",
                result.getTestsFoundCount(), result.getTestsSucceededCount(), result.getTotalFailureCount(),
                result.getTestsSkippedCount(), result.getTestsAbortedCount(),
                result.getTimeFinished() - result.getTimeStarted());
        boolean ok = result.getTestsStartedCount() > 0 && result.getTotalFailureCount() == 0;
        System.exit(ok ? 0 : 1);
    }

    /** The library's paths that change nothing on the host: listing, PCI discovery, a bare VFIO container. */
    private static void train() {
        Library.BUS.parents();
        Library.BUS.instances();
        Library.BUS.remove(java.util.UUID.nameUUIDFromBytes(new byte[0]));   // no such instance: "already gone"
        Library.PCI.displayDevices();
        try {
            PciFunctions.SRIOV.state(PciFunctions.NVME);   // reads only; the host may have no such function
        } catch (MdevException noSuchFunctionHere) {
            // the error path is trained instead
        }
        try (var container = Library.VFIO.openContainer()) {
            container.groups();
        } catch (MdevException noVfioHere) {
            // the host may have no VFIO: the error path is trained instead
        }
    }

    private static List<? extends DiscoverySelector> selectors(List<String> selection) throws URISyntaxException {
        if (selection.isEmpty()) {
            Path suiteJar = Path.of(GuestSuiteMain.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return DiscoverySelectors.selectClasspathRoots(Set.of(suiteJar));
        }
        String pkg = GuestSuiteMain.class.getPackageName() + ".";
        return selection.stream()
                .map(s -> s.contains(".") ? s : pkg + s)
                .map(s -> s.contains("#") ? DiscoverySelectors.selectMethod(s) : DiscoverySelectors.selectClass(s))
                .toList();
    }

    /** One line per finished test (and per failed container), so the serial log shows progress. */
    private record ProgressPrinter(PrintWriter out) implements TestExecutionListener {
        @Override
        public void executionSkipped(TestIdentifier test, String reason) {
            out.printf("  SKIPPED %s: %s%n", name(test), reason);
        }

        @Override
        public void executionFinished(TestIdentifier test, TestExecutionResult result) {
            if (test.isTest() || result.getStatus() != TestExecutionResult.Status.SUCCESSFUL) {
                String cause = result.getThrowable().map(t -> ": " + t).orElse("");
                out.printf("  %-10s %s%s%n", result.getStatus(), name(test), cause);
            }
        }

        @Override
        public void testPlanExecutionStarted(TestPlan plan) {
            out.printf("GUEST JUNIT: %d tests found%n", plan.countTestIdentifiers(TestIdentifier::isTest));
        }

        private static String name(TestIdentifier test) {
            return switch (test.getSource().orElse(null)) {
                case MethodSource m -> simpleName(m.getClassName()) + "." + test.getDisplayName();
                case ClassSource c -> simpleName(c.getClassName());
                case null, default -> test.getDisplayName();
            };
        }

        private static String simpleName(String className) {
            return className.substring(className.lastIndexOf('.') + 1);
        }
    }
}
