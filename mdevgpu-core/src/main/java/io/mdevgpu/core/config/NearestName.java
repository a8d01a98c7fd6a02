package io.mdevgpu.core.config;

import java.util.Collection;
import java.util.Locale;
import java.util.Optional;

/**
 * The name an operator most likely meant by one that is not known: a TOML key, a CLI verb. The same name in another
 * spelling ({@code maxInstances}, {@code max-instances}), else the nearest within one edit (names of up to three
 * letters) or two, where a swap of neighbours counts as one.
 */
public final class NearestName {
    private NearestName() {
    }

    /** The name of {@code names} nearest to {@code unknown}, or empty when none is near enough. */
    public static Optional<String> nearest(String unknown, Collection<String> names) {
        String folded = fold(unknown);
        for (String name : names) {
            if (fold(name).equals(folded)) return Optional.of(name);
        }
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String name : names) {
            int d = distance(unknown.toLowerCase(Locale.ROOT), name);
            if (d < bestDistance) {
                best = name;
                bestDistance = d;
            }
        }
        int tolerance = unknown.length() <= 3 ? 1 : 2;
        return bestDistance <= tolerance ? Optional.of(best) : Optional.empty();
    }

    private static String fold(String name) {
        return name.toLowerCase(Locale.ROOT).replace("_", "").replace("-", "");
    }

    /** Optimal string alignment distance: insertions, deletions, substitutions and adjacent swaps. */
    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) d[i][0] = i;
        for (int j = 0; j <= b.length(); j++) d[0][j] = j;
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
