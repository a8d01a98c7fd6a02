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

    /** Allocation per operation: 0.003, 16.0, 1,024. */
    static String bytes(double v) {
        if (Double.isNaN(v)) return "-";
        if (Math.abs(v) < 10) return String.format(Locale.ROOT, "%.3f", v);
        return number(v);
    }
}
