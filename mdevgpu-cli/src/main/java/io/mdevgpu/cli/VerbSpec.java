package io.mdevgpu.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * A verb's command line, declared in code: its name, description, options, operands and the options that exclude
 * one another. {@link Args#parse} reads a command line against it and {@link Usage} prints it. Every verb also takes
 * the {@linkplain #COMMON common options}. The CLI declares its verbs this way, not through an annotation-driven
 * parser, because building such a parser's model by reflection costs more at every start than the verbs themselves
 * (issue 15: about 50 ms for one verb, 110 ms for all).
 */
record VerbSpec(String name, List<String> description, List<Opt> options, List<Operand> operands,
                List<List<String>> exclusive) {

    /** An option: a flag ({@code label} null) or an option with a value named {@code label}. */
    record Opt(String shortName, String longName, String label, Supplier<String> description, boolean required) {
        Opt {
            Objects.requireNonNull(longName, "longName");
            Objects.requireNonNull(description, "description");
        }

        boolean takesValue() {
            return label != null;
        }

        /** How an error names it: its long name, with its value's label ({@code --config=FILE}). */
        String display() {
            return takesValue() ? longName + "=" + label : longName;
        }
    }

    /** An operand, in the order the command line gives them. */
    record Operand(String label, String description, boolean required) {
    }

    /** The options every verb and the bare command take. */
    static final List<Opt> COMMON = List.of(
            new Opt("-h", "--help", null, () -> "Show this help message and exit.", false),
            new Opt(null, "--host", "HOST", () -> "real (default; or $MDEVGPU_HOST), real:DIR (a host tree under DIR: "
                    + "DIR/sys, DIR/dev, DIR/etc/mdevctl.d, DIR/proc), sim (the default simulated host: two A100 and a "
                    + "T4, for this command only), sim:NAME (samples/hosts/NAME.toml) or sim:FILE (an inventory); a "
                    + "simulated host followed by @DIR (sim@DIR, sim:NAME@DIR) is kept in DIR, so the next command "
                    + "finds it as left", false),
            new Opt(null, "--json", null, () -> "machine-readable output (snake_case keys)", false),
            new Opt("-V", "--version", null, () -> "Print version information and exit.", false));

    VerbSpec {
        description = List.copyOf(description);
        options = List.copyOf(options);
        operands = List.copyOf(operands);
        exclusive = List.copyOf(exclusive);
    }

    /** A builder of the verb {@code name}. */
    static Builder verb(String name) {
        return new Builder(name);
    }

    /** Its first paragraph: what {@code --help} lists beside its name. */
    String summary() {
        return description.isEmpty() ? "" : description.getFirst();
    }

    /** The option named {@code name} (short or long), its own or a common one; null when none. */
    Opt option(String name) {
        for (Opt o : options) {
            if (name.equals(o.longName()) || name.equals(o.shortName())) return o;
        }
        for (Opt o : COMMON) {
            if (name.equals(o.longName()) || name.equals(o.shortName())) return o;
        }
        return null;
    }

    static final class Builder {
        private final String name;
        private final List<String> description = new ArrayList<>();
        private final List<Opt> options = new ArrayList<>();
        private final List<Operand> operands = new ArrayList<>();
        private final List<List<String>> exclusive = new ArrayList<>();

        private Builder(String name) {
            this.name = name;
        }

        /** The verb's description, one string per paragraph; the first is its summary. */
        Builder description(String... paragraphs) {
            description.addAll(List.of(paragraphs));
            return this;
        }

        /** A flag with a long name only. */
        Builder flag(String longName, String description) {
            return flag(null, longName, description);
        }

        /** A flag; {@code shortName} may be null. */
        Builder flag(String shortName, String longName, String description) {
            return add(new Opt(shortName, longName, null, () -> description, false));
        }

        /** An optional option with a value, named by {@code label} in the usage. */
        Builder option(String longName, String label, String description) {
            return option(null, longName, label, description);
        }

        /** An optional option with a value; {@code shortName} may be null. */
        Builder option(String shortName, String longName, String label, String description) {
            return add(new Opt(shortName, longName, label, () -> description, false));
        }

        /** An option with a value whose description is worked out only when the usage is printed. */
        Builder option(String longName, String label, Supplier<String> description) {
            return add(new Opt(null, longName, label, description, false));
        }

        /** An option with a value that the command line must give. */
        Builder requiredOption(String shortName, String longName, String label, String description) {
            return add(new Opt(shortName, longName, label, () -> description, true));
        }

        /** An operand the command line must give. */
        Builder operand(String label, String description) {
            operands.add(new Operand(label, description, true));
            return this;
        }

        /** An operand the command line may leave out; only the last operand may be optional. */
        Builder optionalOperand(String label, String description) {
            operands.add(new Operand(label, description, false));
            return this;
        }

        /** Options (by long name) of which a command line may give at most one. */
        Builder exclusive(String... longNames) {
            exclusive.add(List.of(longNames));
            return this;
        }

        /** The spec; fails on a name given twice, an exclusive name that is no option, or a required operand after an optional one. */
        VerbSpec build() {
            VerbSpec spec = new VerbSpec(name, description, options, operands, exclusive);
            List<String> names = new ArrayList<>();
            for (Opt o : options) {
                names.add(o.longName());
                if (o.shortName() != null) names.add(o.shortName());
            }
            for (Opt o : COMMON) {
                names.add(o.longName());
                names.add(o.shortName());
            }
            names.removeIf(Objects::isNull);
            if (names.stream().distinct().count() != names.size()) {
                throw new IllegalStateException(name + ": an option name is declared twice: " + names);
            }
            for (List<String> group : exclusive) {
                for (String n : group) {
                    if (spec.option(n) == null) throw new IllegalStateException(name + ": exclusive " + n + " is no option");
                }
            }
            for (int i = 1; i < operands.size(); i++) {
                if (operands.get(i).required() && !operands.get(i - 1).required()) {
                    throw new IllegalStateException(name + ": required operand " + operands.get(i).label() + " after an optional one");
                }
            }
            return spec;
        }

        private Builder add(Opt o) {
            options.add(o);
            return this;
        }
    }
}
