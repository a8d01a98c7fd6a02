package io.mdevgpu.sim;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import io.mdevgpu.MdevHost;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * The JUnit Jupiter extension behind {@link WithSimulatedHost}: before each test it opens the simulated host the
 * annotation names in a temporary directory of the test's own, resolves parameters of type {@link MdevHost},
 * {@link SimulatedHost} and {@link Faults} to it, and after the test checks for leaks, closes the host and deletes
 * the directory. The host lives in the test's {@link ExtensionContext.Store}; tests may run in parallel, each with
 * its own host.
 */
public final class SimulatedHostExtension implements BeforeEachCallback, AfterEachCallback, ParameterResolver {
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(SimulatedHostExtension.class);

    /** One test's host and the directory it is kept in. */
    private record Opened(SimulatedHost host, Path directory, boolean checkLeaks) {
    }

    @Override
    public void beforeEach(ExtensionContext context) throws IOException {
        WithSimulatedHost settings = settings(context);
        Path directory = Files.createTempDirectory("junit-mdevgpu-sim-");
        try {
            SimulatedHost host = SimulatedHost.newBuilder().inventory(settings.value()).recording(settings.recording())
                    .root(directory.resolve("host")).build();
            context.getStore(NAMESPACE).put(Opened.class, new Opened(host, directory, settings.checkLeaks()));
        } catch (RuntimeException e) {
            SysfsTreeWriter.deleteTree(directory);
            throw e;
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        Opened opened = context.getStore(NAMESPACE).remove(Opened.class, Opened.class);
        if (opened == null) return;
        AssertionError leak = null;
        try {
            if (opened.checkLeaks()) opened.host().requireNoLeaks();
        } catch (AssertionError e) {
            leak = e;
        } finally {
            try {
                opened.host().close();
            } finally {
                SysfsTreeWriter.deleteTree(opened.directory());
            }
        }
        if (leak != null) throw leak;
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        return type == MdevHost.class || type == SimulatedHost.class || type == Faults.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        Opened opened = context.getStore(NAMESPACE).get(Opened.class, Opened.class);
        if (opened == null) {
            throw new ParameterResolutionException("a simulated host is handed to test methods only (not to constructors "
                    + "or @BeforeAll methods): declare " + parameter.getParameter() + " on the @Test method");
        }
        Class<?> type = parameter.getParameter().getType();
        if (type == MdevHost.class) return opened.host().host();
        if (type == Faults.class) return opened.host().faults();
        return opened.host();
    }

    /** The method's annotation, else its class's or an enclosing class's; the defaults when none (the extension registered by hand). */
    private static WithSimulatedHost settings(ExtensionContext context) {
        Optional<WithSimulatedHost> found = AnnotationSupport.findAnnotation(context.getTestMethod(), WithSimulatedHost.class);
        for (Optional<Class<?>> c = context.getTestClass(); found.isEmpty() && c.isPresent(); c = Optional.ofNullable(c.get().getEnclosingClass())) {
            found = AnnotationSupport.findAnnotation(c.get(), WithSimulatedHost.class);
        }
        return found.orElseGet(() -> Defaults.class.getAnnotation(WithSimulatedHost.class));
    }

    @WithSimulatedHost
    private static final class Defaults {
    }
}
