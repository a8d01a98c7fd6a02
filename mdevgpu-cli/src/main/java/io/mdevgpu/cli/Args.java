package io.mdevgpu.cli;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import io.mdevgpu.cli.VerbSpec.Opt;

/**
 * A command line read against a {@link VerbSpec}: {@code --long VALUE}, {@code --long=VALUE}, {@code -s VALUE},
 * {@code -sVALUE}, clustered short flags ({@code -kn}), operands anywhere, {@code --} before operands that start with
 * {@code -}. Values convert when a verb asks for them, so that a value that does not convert is bad input
 * ({@link UsageException}) before any host is opened. Immutable.
 */
final class Args {
    private final VerbSpec spec;
    private final Map<String, String> values;
    private final List<String> operands;
    private final int end;

    private Args(VerbSpec spec, Map<String, String> values, List<String> operands, int end) {
        this.spec = spec;
        this.values = Map.copyOf(values);
        this.operands = List.copyOf(operands);
        this.end = end;
    }

    /**
     * Reads {@code line} from index {@code from} against {@code spec}; with {@code stopAtOperand}, stops before the
     * first operand ({@link #end()} says where), for the options before a verb. Checks the options and operand count
     * but not the required ones: {@link #checkRequired()} does, after {@code --help} has had its say.
     */
    static Args parse(VerbSpec spec, String[] line, int from, boolean stopAtOperand) {
        Map<String, String> values = new HashMap<>();
        List<String> operands = new ArrayList<>();
        boolean onlyOperands = false;
        int i = from;
        for (; i < line.length; i++) {
            String token = line[i];
            if (onlyOperands || !token.startsWith("-") || token.equals("-")) {
                if (stopAtOperand) break;
                if (operands.size() == spec.operands().size()) {
                    throw new UsageException(spec, "Unmatched argument at index " + i + ": '" + token + "'");
                }
                operands.add(token);
            } else if (token.equals("--")) {
                onlyOperands = true;
            } else if (token.startsWith("--")) {
                int eq = token.indexOf('=');
                Opt o = known(spec, eq < 0 ? token : token.substring(0, eq));
                if (!o.takesValue()) {
                    if (eq >= 0) throw new UsageException(spec, "option '" + o.longName() + "' takes no value: '" + token + "'");
                    values.put(o.longName(), "");
                } else if (eq >= 0) {
                    put(spec, values, o, token.substring(eq + 1));
                } else {
                    put(spec, values, o, valueAfter(spec, o, line, ++i));
                }
            } else {
                // short options: flags may cluster (-kn); one that takes a value takes the rest or the next argument
                for (int c = 1; c < token.length(); c++) {
                    Opt o = known(spec, "-" + token.charAt(c));
                    if (!o.takesValue()) {
                        values.put(o.longName(), "");
                        continue;
                    }
                    String rest = token.substring(c + 1);
                    if (rest.startsWith("=")) rest = rest.substring(1);
                    put(spec, values, o, rest.isEmpty() ? valueAfter(spec, o, line, ++i) : rest);
                    break;
                }
            }
        }
        for (List<String> group : spec.exclusive()) {
            List<String> given = group.stream().filter(values::containsKey).toList();
            if (given.size() > 1) {
                throw new UsageException(spec, String.join(", ", given) + " are mutually exclusive (give only one)");
            }
        }
        return new Args(spec, values, operands, i);
    }

    /** Fails on a required option or operand the line did not give. */
    Args checkRequired() {
        for (Opt o : spec.options()) {
            if (o.required() && !values.containsKey(o.longName())) {
                throw new UsageException(spec, "Missing required option: '" + o.display() + "'");
            }
        }
        for (int i = operands.size(); i < spec.operands().size(); i++) {
            if (spec.operands().get(i).required()) {
                throw new UsageException(spec, "Missing required parameter: '" + spec.operands().get(i).label() + "'");
            }
        }
        return this;
    }

    /** Where reading stopped: the index of the first operand with {@code stopAtOperand}, else the line's length. */
    int end() {
        return end;
    }

    /** Whether the flag (or option) named by its long name was given. */
    boolean flag(String longName) {
        declared(longName);
        return values.containsKey(longName);
    }

    /** The value of the option named by its long name, or null when not given. */
    String value(String longName) {
        declared(longName);
        return values.get(longName);
    }

    /** The value of an option, converted; null when not given; bad input when it does not convert. */
    <T> T value(String longName, Function<String, T> convert) {
        String v = value(longName);
        if (v == null) return null;
        try {
            return convert.apply(v);
        } catch (RuntimeException e) {
            throw new UsageException(spec, "Invalid value for option '" + spec.option(longName).display() + "': "
                    + e.getMessage());
        }
    }

    /** The operand at {@code index}, or null when the line gave fewer. */
    String operand(int index) {
        if (index >= spec.operands().size()) throw new IllegalArgumentException(spec.name() + " has no operand " + index);
        return index < operands.size() ? operands.get(index) : null;
    }

    /** The operand at {@code index}, converted; null when not given; bad input when it does not convert. */
    <T> T operand(int index, Function<String, T> convert) {
        String v = operand(index);
        if (v == null) return null;
        try {
            return convert.apply(v);
        } catch (RuntimeException e) {
            throw new UsageException(spec, "Invalid value for " + spec.operands().get(index).label() + ": "
                    + e.getMessage());
        }
    }

    VerbSpec spec() {
        return spec;
    }

    @Override
    public String toString() {
        return spec.name() + " " + values + " " + operands;
    }

    private void declared(String longName) {
        Opt o = spec.option(longName);
        if (o == null || !o.longName().equals(longName)) {
            throw new IllegalArgumentException(spec.name() + " declares no option " + longName);
        }
    }

    private static Opt known(VerbSpec spec, String name) {
        Opt o = spec.option(name);
        if (o == null) throw new UsageException(spec, "Unknown option: '" + name + "'");
        return o;
    }

    private static String valueAfter(VerbSpec spec, Opt o, String[] line, int i) {
        if (i >= line.length) {
            throw new UsageException(spec, "Missing required parameter for option '" + o.longName() + "' (" + o.label() + ")");
        }
        return line[i];
    }

    private static void put(VerbSpec spec, Map<String, String> values, Opt o, String value) {
        if (values.putIfAbsent(o.longName(), value) != null && VerbSpec.COMMON.stream().noneMatch(c -> c == o)) {
            throw new UsageException(spec, "option '" + o.display() + "' should be given only once");
        }
        values.put(o.longName(), value);
    }
}
