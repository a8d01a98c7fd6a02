package io.mdevgpu.cli;

import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.ILoggerFactory;
import org.slf4j.IMarkerFactory;
import org.slf4j.Logger;
import org.slf4j.event.Level;
import org.slf4j.helpers.BasicMarkerFactory;
import org.slf4j.helpers.NOPMDCAdapter;
import org.slf4j.spi.MDCAdapter;
import org.slf4j.spi.SLF4JServiceProvider;

/**
 * The CLI's slf4j binding: {@code [LEVEL] ShortName - message} lines on stderr, so that stdout stays for tables and
 * JSON. The levels come from {@code -Dmdevgpu.log} or {@code $MDEVGPU_LOG}: a level (error, warn, info, debug,
 * trace; default info), then optionally {@code ,NAME=LEVEL} for the loggers under a name, e.g.
 * {@code MDEVGPU_LOG=info,io.mdevgpu.kernel.nvrm=trace} for each RM ioctl; {@code -Dmdevgpu.log.NAME=LEVEL} does the
 * same for one name. Its own rather than slf4j-simple because
 * slf4j-simple searches every jar of the module path for its properties file when the first logger is made, some
 * 14 ms of every command (issue 15). Only the CLI uses it; the library logs through slf4j-api to whatever binding
 * its user has.
 */
public final class StderrLogging implements SLF4JServiceProvider, ILoggerFactory {
    private static final String PROPERTY = "mdevgpu.log";

    private final Map<String, Logger> loggers = new ConcurrentHashMap<>();
    private final IMarkerFactory markers = new BasicMarkerFactory();
    private final MDCAdapter mdc = new NOPMDCAdapter();
    private final Map<String, Level> byName = new ConcurrentHashMap<>();
    private Level level = Level.INFO;

    /** Made by slf4j's service lookup. */
    public StderrLogging() {
    }

    @Override
    public void initialize() {
        String configured = System.getProperty(PROPERTY, System.getenv("MDEVGPU_LOG"));
        if (configured == null || configured.isBlank()) return;
        for (String part : configured.split(",")) {
            int eq = part.indexOf('=');
            Level parsed = parse(eq < 0 ? part : part.substring(eq + 1));
            if (parsed == null) {
                System.err.println("mdevgpu: '" + part.strip() + "' in " + PROPERTY + " or MDEVGPU_LOG names no level "
                        + "(error, warn, info, debug, trace): left out, as if not given");
            } else if (eq < 0) {
                level = parsed;
            } else {
                byName.put(part.substring(0, eq).strip(), parsed);
            }
        }
    }

    @Override
    public Logger getLogger(String name) {
        return loggers.computeIfAbsent(name, n -> new StderrLogger(n, levelOf(n)));
    }

    /** The level of the logger {@code name}: the one set for the nearest name above it, else the default. */
    Level levelOf(String name) {
        for (String prefix = name; !prefix.isEmpty(); ) {
            String configured = System.getProperty(PROPERTY + "." + prefix);
            Level parsed = configured == null ? byName.get(prefix) : parse(configured);
            if (parsed != null) return parsed;
            int dot = prefix.lastIndexOf('.');
            prefix = dot < 0 ? "" : prefix.substring(0, dot);
        }
        return level;
    }

    static Level parse(String text) {
        return switch (text.strip().toLowerCase(Locale.ROOT)) {
            case "error" -> Level.ERROR;
            case "warn" -> Level.WARN;
            case "info" -> Level.INFO;
            case "debug" -> Level.DEBUG;
            case "trace" -> Level.TRACE;
            default -> null;
        };
    }

    @Override
    public ILoggerFactory getLoggerFactory() {
        return this;
    }

    @Override
    public IMarkerFactory getMarkerFactory() {
        return markers;
    }

    @Override
    public MDCAdapter getMDCAdapter() {
        return mdc;
    }

    @Override
    public String getRequestedApiVersion() {
        return "2.0.99";
    }
}
