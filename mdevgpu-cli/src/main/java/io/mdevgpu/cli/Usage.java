package io.mdevgpu.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import io.mdevgpu.cli.VerbSpec.Operand;
import io.mdevgpu.cli.VerbSpec.Opt;

/**
 * The usage text of a verb or of the bare command, in the layout picocli made familiar: a synopsis, the description,
 * then operands and options in two columns, wrapped at 80 columns.
 */
final class Usage {
    static final int WIDTH = 80;
    private static final int MAX_NAME_COLUMN = 30;
    // a lambda of this class, which the AOT cache keeps; the one Comparator.comparing makes is spun at every start
    private static final Comparator<Opt> ORDER = (a, b) -> sortKey(a).compareTo(sortKey(b));

    private Usage() {
    }

    /** {@code mdevgpu VERB}'s usage. */
    static void of(PrintWriter out, VerbSpec spec) {
        List<Opt> options = new ArrayList<>(spec.options());
        options.addAll(VerbSpec.COMMON);
        options.sort(ORDER);
        List<String> synopsis = synopsis(options);
        for (Operand o : spec.operands()) synopsis.add(o.required() ? o.label() : "[" + o.label() + "]");
        wrapped(out, "Usage: mdevgpu " + spec.name() + " ", synopsis);
        for (String paragraph : spec.description()) wrap(out, "", paragraph, 0);
        List<String[]> rows = new ArrayList<>();
        for (Operand o : spec.operands()) rows.add(new String[]{"      " + o.label(), o.description()});
        for (Opt o : options) rows.add(new String[]{name(o), o.description().get()});
        columns(out, rows);
    }

    /** The bare command's usage: its options, every verb with its summary, and the exit codes. */
    static void top(PrintWriter out, String description, List<VerbSpec> verbs, Map<Integer, String> exitCodes) {
        List<Opt> options = new ArrayList<>(VerbSpec.COMMON);
        options.sort(ORDER);
        List<String> synopsis = synopsis(options);
        synopsis.add("[VERB]");
        wrapped(out, "Usage: mdevgpu ", synopsis);
        wrap(out, "", description, 0);
        List<String[]> rows = new ArrayList<>();
        for (Opt o : options) rows.add(new String[]{name(o), o.description().get()});
        columns(out, rows);
        out.println("Verbs:");
        rows.clear();
        for (VerbSpec v : verbs) rows.add(new String[]{"  " + v.name(), v.summary()});
        columns(out, rows);
        out.println();
        out.println("Exit codes:");
        rows.clear();
        exitCodes.forEach((code, meaning) -> rows.add(new String[]{"  " + code, meaning}));
        columns(out, rows);
        out.flush();
    }

    /** picocli's order: by the option's first letter, short name first, case aside. */
    private static String sortKey(Opt o) {
        String n = (o.shortName() != null ? o.shortName() : o.longName()).replace("-", "");
        return n.toLowerCase() + (o.shortName() != null ? "0" : "1") + n;
    }

    /** {@code [-dhV] [--json] [--host=HOST] -c=FILE [-p=ADDR]}: flags with a short name together, then the rest. */
    private static List<String> synopsis(List<Opt> options) {
        List<String> parts = new ArrayList<>();
        StringBuilder shortFlags = new StringBuilder();
        for (Opt o : options) {
            if (!o.takesValue() && o.shortName() != null) shortFlags.append(o.shortName().charAt(1));
        }
        if (!shortFlags.isEmpty()) parts.add("[-" + shortFlags + "]");
        for (Opt o : options) {
            if (!o.takesValue() && o.shortName() == null) parts.add("[" + o.longName() + "]");
        }
        for (Opt o : options) {
            if (!o.takesValue()) continue;
            String form = (o.shortName() != null ? o.shortName() : o.longName()) + "=" + o.label();
            parts.add(o.required() ? form : "[" + form + "]");
        }
        return parts;
    }

    private static String name(Opt o) {
        String names = (o.shortName() != null ? "  " + o.shortName() + ", " : "      ") + o.longName();
        return o.takesValue() ? names + "=" + o.label() : names;
    }

    /** Rows of name and text: the text from one column for all, on the next line where a name is too long. */
    private static void columns(PrintWriter out, List<String[]> rows) {
        int column = 0;
        for (String[] row : rows) {
            if (row[0].length() + 2 <= MAX_NAME_COLUMN) column = Math.max(column, row[0].length() + 2);
        }
        for (String[] row : rows) {
            if (row[0].length() + 2 > column) {
                out.println(row[0]);
                wrap(out, " ".repeat(column), row[1], column);
            } else {
                wrap(out, row[0] + " ".repeat(column - row[0].length()), row[1], column);
            }
        }
    }

    /** {@code text} after {@code first}, words wrapped at {@link #WIDTH}, continuation lines indented by {@code indent}. */
    private static void wrap(PrintWriter out, String first, String text, int indent) {
        StringBuilder line = new StringBuilder(first);
        boolean empty = true;
        for (String word : text.split(" ")) {
            if (!empty && line.length() + 1 + word.length() > WIDTH) {
                out.println(line);
                line.setLength(0);
                line.append(" ".repeat(indent));
                empty = true;
            }
            if (!empty) line.append(' ');
            line.append(word);
            empty = false;
        }
        out.println(line);
    }

    /** A synopsis: {@code head} then the parts, continuation lines under the first part. */
    private static void wrapped(PrintWriter out, String head, List<String> parts) {
        wrap(out, head, String.join(" ", parts), head.length());
    }
}
