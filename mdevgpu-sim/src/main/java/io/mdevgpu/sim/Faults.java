package io.mdevgpu.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import io.mdevgpu.Errno;
import io.mdevgpu.ValidationException;
import io.mdevgpu.kernel.abi.nvrm.NvStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts every call into the simulated kernel's three seams (the mdev bus's attribute writes, the VFIO system
 * calls, the NVIDIA RM transport) and makes chosen calls fail, so that a test can run a scenario once to count
 * its calls and then fail each of them in turn:
 * <pre>{@code
 * long before = faults.calls();
 * scenario.run();
 * long n = faults.calls() - before;           // on a fresh kernel, fail call before+1 .. before+n in turn:
 * faults.failAt(before + k, Failure.errno(Errno.EIO));
 * }</pre>
 *
 * <p>Calls are numbered from 1 in the order they arrive, over all seams together. A failed call has no effect on the
 * simulated state (the kernel refused it before doing anything), except a failed {@code close}, which still
 * releases the fd, as Linux does. How a failure reaches the caller depends on the seam: an attribute write throws
 * the {@code KernelException} of the errno, a VFIO call or an RM {@code open}/{@code close}/{@code ioctl} returns
 * {@code -errno}, and an NV status makes an RM alloc, control or free return 0 with that status in its struct (an
 * NV status for any other call fails it with {@code EIO}, since it has no status to carry).
 *
 * <p>Each call is also recorded as a line of text ({@code "ioctl /dev/vfio/12 VFIO_GROUP_GET_STATUS"},
 * {@code "CONTROL VGPU_CONFIG_SET_INFO"}, {@code "create mdev /sys/class/mdev_bus/.../create"}) unless recording
 * is off ({@link #recording(boolean)}), which allocation tests need: counting and rules by call number still work
 * without it. Each call with a text is logged at TRACE. Thread-safe.
 */
public final class Faults {
    private static final Logger LOG = LoggerFactory.getLogger(Faults.class);
    /** The seams of the simulated kernel: the mdev bus, VFIO, the NVIDIA RM API, SR-IOV and the VFs' nvidia/ files. */
    public enum Seam { MDEV, VFIO, NVIDIA, SRIOV }

    /** How a chosen call fails: with an errno, or (RM alloc, control, free) with an NV status. */
    public record Failure(Errno errno, int nvStatus) {
        public Failure {
            if ((errno == null) == (nvStatus == NvStatus.NV_OK)) {
                throw new ValidationException("simulated failure", errno + " / status " + nvStatus,
                        "either an errno or a failing NV status, not both");
            }
        }

        public static Failure errno(Errno errno) {
            return new Failure(Objects.requireNonNull(errno, "errno"), NvStatus.NV_OK);
        }

        public static Failure status(int nvStatus) {
            return new Failure(null, nvStatus);
        }

        public boolean isStatus() {
            return errno == null;
        }

        /** The errno this failure gives a call that cannot carry a status. */
        public int errnoOrEio() {
            return errno != null ? errno.number() : Errno.EIO.number();
        }

        @Override
        public String toString() {
            return errno != null ? errno.name() : NvStatus.name(nvStatus);
        }
    }

    /** One call: its number (from 1), seam, text (null while recording was off) and, when it was made to fail, how. */
    public record Call(long number, Seam seam, String text, Failure failure) {
        /** The text, with {@code " -> EIO"} (the failure) appended for a call that was made to fail. */
        public String line() {
            return (text == null ? "(not recorded)" : text) + (failure == null ? "" : " -> " + failure);
        }

        @Override
        public String toString() {
            return "#" + number + " " + seam + " " + line();
        }
    }

    /** An armed rule: {@code at} > 0 picks a call number; else the seam (null: any) and text prefix (null: any). */
    private static final class Rule {
        final long at;
        final Seam seam;
        final String prefix;
        long skip;
        long times;
        final Failure failure;

        Rule(long at, Seam seam, String prefix, long skip, long times, Failure failure) {
            this.at = at;
            this.seam = seam;
            this.prefix = prefix;
            this.skip = skip;
            this.times = times;
            this.failure = failure;
        }
    }

    /** An armed stop: runs once, at the next call on its seam whose text starts with its prefix. */
    private record Stop(Seam seam, String prefix, Runnable action) {
    }

    private final List<Rule> rules = new ArrayList<>();
    private final List<Stop> stops = new ArrayList<>();
    private final List<Call> log = new ArrayList<>();
    private final List<Call> injected = new ArrayList<>();
    private final long[] perSeam = new long[Seam.values().length];
    private long calls;
    private boolean recording = true;
    private int textRules;

    // ---- arming ----

    /** Fails call number {@code number} (counted from 1 over all seams since this object was made). */
    public synchronized Faults failAt(long number, Failure failure) {
        if (number <= calls) {
            throw new ValidationException("simulated failure", "call " + number, "a call still to come: " + calls + " made so far");
        }
        rules.add(new Rule(number, null, null, 0, 1, Objects.requireNonNull(failure, "failure")));
        return this;
    }

    /** Fails the next call on {@code seam} (null: any) whose text starts with {@code prefix} (null or empty: any). */
    public Faults failNext(Seam seam, String prefix, Failure failure) {
        return fail(seam, prefix, 1, 1, failure);
    }

    /**
     * Fails {@code times} calls in a row, starting with the {@code nth} (from 1) coming call on {@code seam} (null: any)
     * whose text starts with {@code prefix} (null or empty: any).
     */
    public synchronized Faults fail(Seam seam, String prefix, int nth, int times, Failure failure) {
        if (nth < 1 || times < 1) {
            throw new ValidationException("simulated failure", "nth " + nth + ", times " + times, "both at least 1");
        }
        String p = prefix == null || prefix.isEmpty() ? null : prefix;
        rules.add(new Rule(0, seam, p, nth - 1, times, Objects.requireNonNull(failure, "failure")));
        if (p != null) textRules++;
        return this;
    }

    /**
     * Runs {@code action} at the next call on {@code seam} whose text starts with {@code prefix}, before that call is
     * counted or takes effect: a second JVM stops there (prints where it is and sleeps) and is killed, so that a test
     * kills a process between two chosen calls, where a real host may be killed too.
     */
    public synchronized Faults stopAt(Seam seam, String prefix, Runnable action) {
        stops.add(new Stop(Objects.requireNonNull(seam, "seam"), Objects.requireNonNull(prefix, "prefix"),
                Objects.requireNonNull(action, "action")));
        textRules++;
        return this;
    }

    /** Drops every armed rule and stop that has not fired yet. */
    public synchronized void disarm() {
        rules.clear();
        stops.clear();
        textRules = 0;
    }

    /** Whether calls are recorded as text (on by default); off, a seam builds no text and allocates nothing. */
    public synchronized Faults recording(boolean on) {
        recording = on;
        return this;
    }

    // ---- reading ----

    /** Calls made so far, over all seams. */
    public synchronized long calls() {
        return calls;
    }

    /** Calls made so far on {@code seam}. */
    public synchronized long calls(Seam seam) {
        return perSeam[seam.ordinal()];
    }

    /** Every recorded call, oldest first (since the last {@link #clearLog()}). */
    public synchronized List<Call> log() {
        return List.copyOf(log);
    }

    /** The recorded calls on {@code seam} as {@link Call#line()}s, oldest first: {@code "close /dev/vfio/12 -> EIO"}. */
    public synchronized List<String> log(Seam seam) {
        return log.stream().filter(c -> c.seam() == seam && c.text() != null).map(Call::line).toList();
    }

    /** The texts of the recorded calls on {@code seam} that start with {@code prefix}. */
    public synchronized List<String> log(Seam seam, String prefix) {
        return log(seam).stream().filter(t -> t.startsWith(prefix)).toList();
    }

    /** Forgets the recorded calls (the counts stay). */
    public synchronized void clearLog() {
        log.clear();
    }

    /** Every call that was made to fail, oldest first (recorded even while recording is off). */
    public synchronized List<Call> injected() {
        return List.copyOf(injected);
    }

    // ---- for the seams ----

    /** Whether calls are recorded: a seam keeps its own records (decoded requests) only then. */
    synchronized boolean isRecording() {
        return recording;
    }

    /** Whether the next call's text is wanted: build it only then, so that a quiet call allocates nothing. */
    synchronized boolean wantsText() {
        return recording || textRules > 0;
    }

    /**
     * Counts one call on {@code seam} and says whether it fails: null for no. {@code text} describes the call, or is
     * null when {@link #wantsText()} said no. An armed stop that matches runs first, outside this object's lock.
     */
    Failure enter(Seam seam, String text) {
        Runnable stop = takeStop(seam, text);
        if (stop != null) stop.run();
        return count(seam, text);
    }

    private synchronized Runnable takeStop(Seam seam, String text) {
        if (text == null) return null;
        for (int i = 0; i < stops.size(); i++) {
            Stop s = stops.get(i);
            if (s.seam() == seam && text.startsWith(s.prefix())) {
                stops.remove(i);
                textRules--;
                return s.action();
            }
        }
        return null;
    }

    private synchronized Failure count(Seam seam, String text) {
        long number = ++calls;
        perSeam[seam.ordinal()]++;
        Failure failure = null;
        for (int i = 0; i < rules.size(); i++) {
            Rule r = rules.get(i);
            boolean matches = r.at > 0 ? r.at == number
                    : (r.seam == null || r.seam == seam) && (r.prefix == null || text != null && text.startsWith(r.prefix));
            if (!matches) continue;
            if (r.skip > 0) {
                r.skip--; // every matching call counts towards a rule's nth, whichever rule makes it fail
            } else if (failure == null) {
                failure = r.failure;
                if (--r.times == 0) {
                    rules.remove(i--);
                    if (r.prefix != null) textRules--;
                }
            }
        }
        if (text != null && LOG.isTraceEnabled()) {
            LOG.trace("simulated call #{} {} {}{}", number, seam, text, failure == null ? "" : " -> " + failure);
        }
        if (recording || failure != null) {
            Call call = new Call(number, seam, text, failure);
            if (recording) log.add(call);
            if (failure != null) injected.add(call);
        }
        return failure;
    }

    @Override
    public synchronized String toString() {
        return "Faults[" + calls + " calls (mdev " + perSeam[0] + ", vfio " + perSeam[1] + ", nvidia " + perSeam[2] + "), "
                + (rules.size() + stops.size()) + " armed, " + injected.size() + " injected]";
    }
}
