package io.mdevgpu.cli;

import java.io.PrintWriter;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

import io.mdevgpu.ConfigException;
import io.mdevgpu.HostSpec;
import io.mdevgpu.HostStateException;
import io.mdevgpu.MdevException;
import io.mdevgpu.MdevHost;
import io.mdevgpu.PciAddress;
import io.mdevgpu.PlanException;
import io.mdevgpu.ValidationException;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * {@code mdevgpu}: the operator's command. Exit codes: 0 ok, 1 failed (host unchanged; for {@code start --all}: the
 * definitions it names could not start, the others did), 2 bad input,
 * 3 plan does not fit, 4 apply failed and its undo failed (host changed, not restored), 5 the host changed since
 * the plan (an instance created meanwhile; nothing changed). Tables and JSON go to stdout; logs and errors to stderr. {@code --host} and {@code --json}
 * are accepted before or after any verb.
 */
@Command(name = "mdevgpu", mixinStandardHelpOptions = true, version = "mdevgpu 0.1.0",
        description = "Carve GPUs into user-defined VFIO-mdev types and manage their instances.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
                "0:ok",
                "1:failed; the host is left as it was (start --all: the definitions named could not start, the others did)",
                "2:bad input (file, key path, line and column named)",
                "3:the plan does not fit (which type, by how much)",
                "4:apply failed and its undo failed: the host changed, not restored (the message lists what is left)",
                "5:the host changed since the plan (an instance created meanwhile): nothing changed; plan again"})
// The verbs are added by commandLine(), only the one a command line names: see VERBS.
public final class Main implements Runnable {
    public static final int OK = 0, FAILED = 1, BAD_INPUT = 2, DOES_NOT_FIT = 3, NOT_RESTORED = 4, CHANGED_SINCE_PLAN = 5;

    /**
     * The verbs by name, in the order {@code --help} lists them. picocli builds a verb's model by reflection over its
     * annotations when the verb is added, so a command line gets only the verb it names ({@link #verbOf}); one that
     * names none ({@code --help}, {@code help}, a typo) gets them all. Each name is its class's {@code @Command} name
     * ({@code MainTest} checks).
     */
    static final Map<String, Supplier<Object>> VERBS = verbs();

    private static Map<String, Supplier<Object>> verbs() {
        Map<String, Supplier<Object>> verbs = new LinkedHashMap<>();
        verbs.put("apply", ApplyCommand::new);
        verbs.put("plan", PlanCommand::new);
        verbs.put("gpus", GpusCommand::new);
        verbs.put("types", TypesCommand::new);
        verbs.put("list", ListCommand::new);
        verbs.put("create", CreateCommand::new);
        verbs.put("remove", RemoveCommand::new);
        verbs.put("define", DefineCommand::new);
        verbs.put("undefine", DefinitionVerbs.Undefine::new);
        verbs.put("start", StartCommand::new);
        verbs.put("stop", DefinitionVerbs.Stop::new);
        verbs.put("inventory", InventoryCommand::new);
        verbs.put("inspect", InspectCommand::new);
        verbs.put("hostdev", HostdevCommand::new);
        verbs.put("abi", AbiCommand::new);
        verbs.put("driver", DriverCommand::new);
        verbs.put("help", CommandLine.HelpCommand::new);
        return Collections.unmodifiableMap(verbs);
    }

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--host", scope = ScopeType.INHERIT, paramLabel = "HOST", defaultValue = "${env:MDEVGPU_HOST:-real}",
            description = "real (default; or $MDEVGPU_HOST), real:DIR (a host tree under DIR: DIR/sys, DIR/dev, "
                    + "DIR/etc/mdevctl.d, DIR/proc), sim (the default simulated host: two A100 and a T4, for this "
                    + "command only), sim:NAME (samples/hosts/NAME.toml) or sim:FILE (an inventory); a simulated host "
                    + "followed by @DIR (sim@DIR, sim:NAME@DIR) is kept in DIR, so the next command finds it as left")
    String host;

    @Option(names = "--json", scope = ScopeType.INHERIT, description = "machine-readable output (snake_case keys)")
    boolean json;

    private final Function<HostSpec, MdevHost> opener;

    /** The command over the host the engine opens. */
    public Main() {
        this(MdevHost::open);
    }

    /** The command over hosts opened by {@code opener} (tests hand in mocks). */
    Main(Function<HostSpec, MdevHost> opener) {
        this.opener = opener;
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line and returns the exit code. */
    public static int run(String... args) {
        return commandLine(new PrintWriter(System.out, true), new PrintWriter(System.err, true), MdevHost::open, args)
                .execute(args);
    }

    /** The command line with every verb, its output streams and the exception-to-exit-code mapping. */
    public static CommandLine commandLine(PrintWriter out, PrintWriter err) {
        return commandLine(out, err, MdevHost::open);
    }

    static CommandLine commandLine(PrintWriter out, PrintWriter err, Function<HostSpec, MdevHost> opener) {
        return commandLine(out, err, opener, new String[0]);
    }

    /** The command line to execute {@code line} with: the verb they name, or every verb when they name none. */
    static CommandLine commandLine(PrintWriter out, PrintWriter err, Function<HostSpec, MdevHost> opener, String[] line) {
        CommandLine cl = new CommandLine(new Main(opener));
        String verb = verbOf(line);
        VERBS.forEach((name, command) -> {
            if (verb == null || verb.equals(name)) cl.addSubcommand(name, command.get());
        });
        cl.setOut(out);
        cl.setErr(err);
        cl.registerConverter(PciAddress.class, PciAddress::parse);
        cl.setExitCodeExceptionMapper(Main::exitCode);
        cl.setParameterExceptionHandler((e, args) -> {
            err.println("mdevgpu: " + e.getMessage());
            e.getCommandLine().usage(err);
            return BAD_INPUT;
        });
        cl.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            err.println("mdevgpu: " + (e instanceof MdevException ? e.getMessage() : e.toString()));
            LoggerFactory.getLogger(Main.class).debug("what failed", e);
            return exitCode(e);
        });
        return cl;
    }

    /**
     * The verb {@code args} name, or null when they name none, or {@code help} (which lists the others): the first
     * argument that is no option, {@code --host}'s value skipped.
     */
    static String verbOf(String[] args) {
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--")) return null;
            if (a.equals("--host")) {
                i++;
            } else if (!a.startsWith("-")) {
                return VERBS.containsKey(a) && !a.equals("help") ? a : null;
            }
        }
        return null;
    }

    static int exitCode(Throwable e) {
        return switch (e) {
            case ConfigException c -> BAD_INPUT;
            case ValidationException v -> BAD_INPUT;
            case PlanException p when p.hostChangedSincePlan() -> CHANGED_SINCE_PLAN;
            case PlanException p -> DOES_NOT_FIT;
            case HostStateException h when h.hostChanged() -> NOT_RESTORED;
            default -> FAILED;
        };
    }

    /** The host {@code --host} names. */
    HostSpec hostSpec() {
        try {
            return HostSpec.parse(host);
        } catch (ValidationException e) {
            throw new ValidationException("--host", host, HostSpec.FORMS);
        }
    }

    /** Opens the host {@code --host} names; the caller closes it. */
    MdevHost openHost() {
        return opener.apply(hostSpec());
    }

    boolean json() {
        return json;
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
