package io.mdevgpu.core.host;

import static io.mdevgpu.core.host.SimHosts.*;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The soak in a JVM of its own started with {@code -XX:NativeMemoryTracking=summary}: after a warm-up, it runs
 * {@link SoakTest#CYCLES} cycles and prints, every 250, one line {@code nmt CYCLE TOTAL_COMMITTED_KB OTHER_COMMITTED_KB
 * MALLOC_KB} from the JVM's own native memory report (NMT's {@code Other} category is where {@code Unsafe} and so
 * every {@code Arena} allocates).
 */
public final class NativeMemorySoak {
    private static final Pattern TOTAL = Pattern.compile("Total: reserved=\\d+KB, committed=(\\d+)KB");
    private static final Pattern MALLOC = Pattern.compile("malloc: (\\d+)KB");
    private static final Pattern OTHER = Pattern.compile("-\\s+Other \\(reserved=\\d+KB, committed=(\\d+)KB\\)");

    public static void main(String[] args) {
        try (EngineHost host = open("default")) {
            host.plan(sample("open-vampere")).apply();
            for (int i = 0; i < SoakTest.WARM_UP; i++) SoakTest.cycle(host, i);
            System.gc();
            print(0);
            for (int i = 1; i <= SoakTest.CYCLES; i++) {
                SoakTest.cycle(host, SoakTest.WARM_UP + i);
                if (i % 250 == 0) print(i);
            }
            if (!sim(host).leaks().isClean()) throw new AssertionError(sim(host).leaks().toString());
        }
    }

    private static void print(int cycle) {
        String report = report();
        System.out.println("nmt " + cycle + " " + kb(TOTAL, report) + " " + kb(OTHER, report) + " " + kb(MALLOC, report));
    }

    private static long kb(Pattern p, String report) {
        Matcher m = p.matcher(report);
        if (!m.find()) throw new AssertionError("no " + p + " in the NMT report:\n" + report);
        return Long.parseLong(m.group(1));
    }

    /** {@code jcmd <self> VM.native_memory summary}, through the DiagnosticCommand MBean (reflective: see SoakTest#direct). */
    static String report() {
        try {
            Class<?> factory = Class.forName("java.lang.management.ManagementFactory");
            Object server = factory.getMethod("getPlatformMBeanServer").invoke(null);
            Class<?> objectName = Class.forName("javax.management.ObjectName");
            Object name = objectName.getConstructor(String.class).newInstance("com.sun.management:type=DiagnosticCommand");
            return (String) Class.forName("javax.management.MBeanServerConnection")
                    .getMethod("invoke", objectName, String.class, Object[].class, String[].class)
                    .invoke(server, name, "vmNativeMemory", new Object[] {new String[] {"summary"}},
                            new String[] {String[].class.getName()});
        } catch (ReflectiveOperationException e) {
            throw new AssertionError("the native memory report cannot be read", e);
        }
    }
}
