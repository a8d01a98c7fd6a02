package io.mdevgpu.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

import io.mdevgpu.ConfigException;
import io.mdevgpu.HostSpec;
import io.mdevgpu.HostStateException;
import io.mdevgpu.MdevException;
import io.mdevgpu.MdevHost;
import io.mdevgpu.PlanException;
import io.mdevgpu.ValidationException;
import io.mdevgpu.core.config.NearestName;
import org.slf4j.LoggerFactory;

/**
 * {@code mdevgpu}: the operator's command. Reads the command line against the named verb's {@link VerbSpec}, makes
 * the verb and runs it. Exit codes: see {@link #EXIT_CODES}. Tables and JSON go to stdout; logs and errors to stderr.
 * {@code --host} and {@code --json} are accepted before or after any verb.
 */
public final class Main {
    public static final int OK = 0, FAILED = 1, BAD_INPUT = 2, DOES_NOT_FIT = 3, NOT_RESTORED = 4, CHANGED_SINCE_PLAN = 5;

    static final String VERSION = "mdevgpu 0.1.0";
    static final String DESCRIPTION = "Carve GPUs into user-defined VFIO-mdev types and manage their instances.";

    /** What each exit code means, as {@code --help} lists them. */
    static final Map<Integer, String> EXIT_CODES = exitCodes();

    /** A verb: its command line's spec (a static field of its class, read only when needed) and how to make it. */
    record Entry(Supplier<VerbSpec> spec, Function<Args, Verb> create) {
    }

    /** The verbs by name, in the order {@code --help} lists them; each name is its spec's ({@code MainTest} checks). */
    static final Map<String, Entry> VERBS = verbs();

    /** The bare command: the common options only. */
    private static final VerbSpec BARE = VerbSpec.verb("").build();

    private static final VerbSpec HELP = VerbSpec.verb("help")
            .description("Display help information about the specified verb.")
            .optionalOperand("VERB", "the verb to explain")
            .build();

    private static Map<String, Entry> verbs() {
        Map<String, Entry> verbs = new LinkedHashMap<>();
        verbs.put("apply", new Entry(() -> ApplyCommand.SPEC, ApplyCommand::new));
        verbs.put("plan", new Entry(() -> PlanCommand.SPEC, PlanCommand::new));
        verbs.put("gpus", new Entry(() -> GpusCommand.SPEC, GpusCommand::new));
        verbs.put("types", new Entry(() -> TypesCommand.SPEC, TypesCommand::new));
        verbs.put("list", new Entry(() -> ListCommand.SPEC, ListCommand::new));
        verbs.put("create", new Entry(() -> CreateCommand.SPEC, CreateCommand::new));
        verbs.put("remove", new Entry(() -> RemoveCommand.SPEC, RemoveCommand::new));
        verbs.put("define", new Entry(() -> DefineCommand.SPEC, DefineCommand::new));
        verbs.put("undefine", new Entry(() -> DefinitionVerbs.Undefine.SPEC, DefinitionVerbs.Undefine::new));
        verbs.put("start", new Entry(() -> StartCommand.SPEC, StartCommand::new));
        verbs.put("stop", new Entry(() -> DefinitionVerbs.Stop.SPEC, DefinitionVerbs.Stop::new));
        verbs.put("inventory", new Entry(() -> InventoryCommand.SPEC, InventoryCommand::new));
        verbs.put("inspect", new Entry(() -> InspectCommand.SPEC, InspectCommand::new));
        verbs.put("hostdev", new Entry(() -> HostdevCommand.SPEC, HostdevCommand::new));
        verbs.put("abi", new Entry(() -> AbiCommand.SPEC, AbiCommand::new));
        verbs.put("driver", new Entry(() -> DriverCommand.SPEC, DriverCommand::new));
        verbs.put("help", new Entry(() -> HELP, args -> invocation -> help(invocation.out(), args.operand(0))));
        return Collections.unmodifiableMap(verbs);
    }

    private static Map<Integer, String> exitCodes() {
        Map<Integer, String> codes = new LinkedHashMap<>();
        codes.put(OK, "ok");
        codes.put(FAILED, "failed; the host is left as it was (start --all: the definitions named could not start, "
                + "the others did)");
        codes.put(BAD_INPUT, "bad input (file, key path, line and column named)");
        codes.put(DOES_NOT_FIT, "the plan does not fit (which type, by how much)");
        codes.put(NOT_RESTORED, "apply failed and its undo failed: the host changed, not restored (the message lists "
                + "what is left)");
        codes.put(CHANGED_SINCE_PLAN, "the host changed since the plan (an instance created meanwhile): nothing "
                + "changed; plan again");
        return Collections.unmodifiableMap(codes);
    }

    private final PrintWriter out;
    private final PrintWriter err;
    private final Function<HostSpec, MdevHost> opener;
    private final Map<String, Function<Args, Verb>> made = new HashMap<>();
    private Consumer<Throwable> failures = e -> { };

    /** The command over the host the engine opens, printing to {@code out} and {@code err}. */
    public Main(PrintWriter out, PrintWriter err) {
        this(out, err, MdevHost::open);
    }

    /** The command over hosts opened by {@code opener} (tests hand in mocks). */
    Main(PrintWriter out, PrintWriter err, Function<HostSpec, MdevHost> opener) {
        this.out = out;
        this.err = err;
        this.opener = opener;
    }

    public static void main(String[] args) {
        int code = run(args);
        System.out.flush();
        System.err.flush();
        // halt, not exit: Runtime.exit first looks up a System.Logger to log the exit (JDK 21+), a service lookup
        // over the module path that costs a short command about 15 ms; the CLI registers no shutdown hook to run
        Runtime.getRuntime().halt(code);
    }

    /** Runs the command line on stdout and stderr and returns the exit code. */
    public static int run(String... args) {
        return new Main(new PrintWriter(System.out, true), new PrintWriter(System.err, true)).execute(args);
    }

    /** Makes the verb {@code name} with {@code make} instead of its own way (tests put a simulated driver in). */
    Main verb(String name, Function<Args, Verb> make) {
        made.put(name, make);
        return this;
    }

    /** Hands every failure a verb throws to {@code observer} too, before it becomes an exit code. */
    Main onFailure(Consumer<Throwable> observer) {
        this.failures = observer;
        return this;
    }

    /** Runs {@code line} and returns the exit code; a failure is reported on {@code err}, never thrown. */
    public int execute(String... line) {
        try {
            return dispatch(line);
        } catch (UsageException e) {
            err.println("mdevgpu: " + e.getMessage());
            if (e.spec() == BARE) top(err);
            else Usage.of(err, e.spec());
            return BAD_INPUT;
        } catch (RuntimeException e) {
            failures.accept(e);
            err.println("mdevgpu: " + (e instanceof MdevException ? e.getMessage() : e.toString()));
            LoggerFactory.getLogger(Main.class).debug("what failed", e);
            return exitCode(e);
        } finally {
            out.flush();
            err.flush();
        }
    }

    private int dispatch(String[] line) {
        Args common = Args.parse(BARE, line, 0, true);
        if (common.flag("--help")) return help(out, null);
        if (common.flag("--version")) {
            out.println(VERSION);
            return OK;
        }
        if (common.end() == line.length) return help(out, null);
        String name = line[common.end()];
        Entry entry = VERBS.get(name);
        if (entry == null) {
            throw new UsageException(BARE, "Unmatched argument at index " + common.end() + ": '" + name + "'"
                    + closest(name).map(v -> "\nDid you mean: mdevgpu " + v + "?").orElse(""));
        }
        VerbSpec spec = entry.spec().get();
        Args args = Args.parse(spec, line, common.end() + 1, false);
        if (args.flag("--help")) {
            Usage.of(out, spec);
            return OK;
        }
        if (args.flag("--version")) {
            out.println(VERSION);
            return OK;
        }
        Verb verb = made.getOrDefault(name, entry.create()).apply(args.checkRequired());
        String host = args.value("--host") != null ? args.value("--host") : common.value("--host");
        if (host == null) host = System.getenv().getOrDefault("MDEVGPU_HOST", "real");
        return verb.run(new Invocation(out, err, host, args.flag("--json") || common.flag("--json"), opener));
    }

    /** Prints the usage of {@code verb}, or the bare command's when null. */
    private static int help(PrintWriter out, String verb) {
        if (verb == null) {
            top(out);
            return OK;
        }
        Entry entry = VERBS.get(verb);
        if (entry == null) throw new UsageException(HELP, "Unknown verb: '" + verb + "'");
        Usage.of(out, entry.spec().get());
        return OK;
    }

    private static void top(PrintWriter out) {
        List<VerbSpec> specs = new ArrayList<>();
        for (Entry e : VERBS.values()) specs.add(e.spec().get());
        Usage.top(out, DESCRIPTION, specs, EXIT_CODES);
    }

    /** The verb a typo most likely meant, if one is near enough. */
    static Optional<String> closest(String typo) {
        return NearestName.nearest(typo, VERBS.keySet());
    }

    static int exitCode(Throwable e) {
        return switch (e) {
            case ConfigException c -> BAD_INPUT;
            case ValidationException v -> BAD_INPUT;
            case UsageException u -> BAD_INPUT;
            case PlanException p when p.hostChangedSincePlan() -> CHANGED_SINCE_PLAN;
            case PlanException p -> DOES_NOT_FIT;
            case HostStateException h when h.hostChanged() -> NOT_RESTORED;
            default -> FAILED;
        };
    }
}
