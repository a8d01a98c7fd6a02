package io.mdevgpu.cli;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;

import io.mdevgpu.MdevHost;

/**
 * One simulated host for several CLI runs in a test. A simulated host lives as long as its process (each
 * {@code mdevgpu --host sim} run starts a fresh one), so a test that runs {@code apply}, then {@code create}, then
 * {@code inspect} hands every run this host; the verbs' {@code close()} is ignored and {@link #close()} ends it.
 */
final class SharedHost implements AutoCloseable {
    final MdevHost host;
    private final MdevHost view;

    SharedHost(MdevHost host) {
        this.host = host;
        this.view = (MdevHost) Proxy.newProxyInstance(MdevHost.class.getClassLoader(), new Class<?>[] {MdevHost.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("close") && method.getParameterCount() == 0) return null;
                    try {
                        return method.invoke(host, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    static SharedHost simulated(String inventory) {
        return new SharedHost(MdevHost.simulated(inventory));
    }

    /** Runs the CLI on this host. */
    CliRun run(String... args) {
        return CliRun.on(view, args);
    }

    @Override
    public void close() {
        host.close();
    }
}
