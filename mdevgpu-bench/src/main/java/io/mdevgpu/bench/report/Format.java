package io.mdevgpu.bench.report;

import java.util.Locale;

/** Number formats of the report: few digits where they mean nothing, grouping where numbers are long. */
final class Format {
    private Format() {
    }

    /** 3.14, 42.7, 1,234, 12,345,678; "-" for NaN. */
    static String number(double v) {
        if (Double.isNaN(v)) return "-";
        double a = Math.abs(v);
        if (a < 100) return String.format(Locale.ROOT, "%.2f", v);
        if (a < 1000) return String.format(Locale.ROOT, "%.1f", v);
        return String.format(Locale.ROOT, "%,.0f", v);
    }

    /** A duration in the unit that keeps it short: 850.0 ns, 12.50 us, 156.30 ms. */
    static String time(double ns) {
        if (Double.isNaN(ns)) return "-";
        double a = Math.abs(ns);
        if (a >= 1e6) return String.format(Locale.ROOT, "%.2f ms", ns / 1e6);
        if (a >= 1e3) return String.format(Locale.ROOT, "%.2f us", ns / 1e3);
        return number(ns) + " ns";
    }

    /** Allocation per operation: 0.003, 16.0, 1,024. */
    static String bytes(double v) {
        if (Double.isNaN(v)) return "-";
        if (Math.abs(v) < 10) return String.format(Locale.ROOT, "%.3f", v);
        return number(v);
    }
}
