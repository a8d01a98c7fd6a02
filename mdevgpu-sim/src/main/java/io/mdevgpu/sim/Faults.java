package io.mdevgpu.sim;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import io.mdevgpu.Errno;
import io.mdevgpu.ValidationException;
import io.mdevgpu.kernel.abi.nvrm.NvStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts every call into the simulated kernel's seams (the mdev bus's attribute writes, the VFIO system calls, the
 * NVIDIA driver's escapes and controls), fails chosen calls, and records the last ones. The calls are typed
 * ({@link SimCall}: {@link MdevCall}, {@link VfioCall}, {@link RmCall}, {@link RmControl}); a failure is an
 * {@link Errno} or an {@link RmStatus}:
 * <pre>{@code
 * faults.failNext(RmControl.VGPU_CONFIG_SET_INFO, Failure.status(RmStatus.NV_ERR_NO_MEMORY));
 * faults.failNth(MdevCall.CREATE, 2, Failure.errno(Errno.ENOSPC));  // the second create from now
 * faults.failEvery(VfioCall.DEVICE_RESET, Failure.errno(Errno.ENOTTY));
 * faults.failNthCall(5, Failure.errno(Errno.EIO));                 // the fifth call from now, of any kind
 * }</pre>
 * A sweep runs a scenario once to count its calls, then fails each of them in turn on a fresh host:
 * <pre>{@code
 * long before = faults.calls();
 * scenario.run();
 * long n = faults.calls() - before;           // on a fresh host, for k in 1..n:
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
 * <p>Recording: the last {@value #DEFAULT_RECORDING} calls are kept by default, each as a {@link Call} with a line
 * of text ({@code "ioctl /dev/vfio/12 VFIO_GROUP_GET_STATUS"}, {@code "CONTROL VGPU_CONFIG_SET_INFO"},
 * {@code "create mdev /sys/class/mdev_bus/.../create"}); older ones are dropped, so a long-lived host holds a
 * bounded record. {@link #recording(int)} sets the bound, {@link #recording(boolean) recording(false)} turns it
 * off, which allocation tests need: counting and rules still work without it. The calls made to fail are kept
 * apart ({@link #injected()}), the last {@value #DEFAULT_RECORDING}, even while recording is off. Each call with a text
 * is logged at TRACE. Thread-safe.
 */
public final class Faults {
    private static final Logger LOG = LoggerFactory.getLogger(Faults.class);
    /** How many calls are recorded by default: the last ones. */
    public static final int DEFAULT_RECORDING = 10_000;

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

        /** Fails the call with {@code errno}. */
        public static Failure errno(Errno errno) {
            return new Failure(Objects.requireNonNull(errno, "errno"), NvStatus.NV_OK);
        }

        /** Makes an RM alloc, control or free answer {@code status}; any other call fails with {@code EIO}. */
        public static Failure status(RmStatus status) {
            return new Failure(null, Objects.requireNonNull(status, "status").code());
        }

        /** As {@link #status(RmStatus)}, for any NV status code other than {@code NV_OK} (0). */
        public static Failure status(int nvStatus) {
            return new Failure(null, nvStatus);
        }

        /** Whether this is an NV status rather than an errno. */
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

    /** One call: its number (from 1), kind, text (null while recording was off) and, when it was made to fail, how. */
    public record Call(long number, SimCall call, String text, Failure failure) {
        /** The seam the call went through. */
        public Seam seam() {
            return call.seam();
        }

        /** The text, with {@code " -> EIO"} (the failure) appended for a call that was made to fail. */
        public String line() {
            return (text == null ? "(not recorded)" : text) + (failure == null ? "" : " -> " + failure);
        }

        @Override
        public String toString() {
            return "#" + number + " " + seam() + " " + line();
        }
    }

    /** An armed stop: runs once, at the next call on its seam whose text starts with its prefix. */
    private record Stop(Seam seam, String prefix, Runnable action) {
    }

    private final List<FaultRule> rules = new ArrayList<>();
    private final List<Stop> stops = new ArrayList<>();
    private final ArrayDeque<Call> log = new ArrayDeque<>();
    private final ArrayDeque<Call> injected = new ArrayDeque<>();
    private final long[] perSeam = new long[Seam.values().length];
    /** Calls by kind, every constant counted in advance so that counting allocates nothing. */
    private final Map<SimCall, long[]> perCall = new IdentityHashMap<>();
    private long calls;
    private long dropped;
    private int capacity = DEFAULT_RECORDING;
    private int textRules;

    public Faults() {
        for (SimCall[] kinds : new SimCall[][] {MdevCall.values(), VfioCall.values(), RmCall.values(), RmControl.values(),
                SriovCall.values()}) {
            for (SimCall c : kinds) perCall.put(c, new long[1]);
        }
    }

    // ---- arming ----

    /** Fails call number {@code number} (counted from 1 over all seams since this object was made). */
    public synchronized Faults failAt(long number, Failure failure) {
        if (number <= calls) {
            throw new ValidationException("simulated failure", "call " + number, "a call still to come: " + calls + " made so far");
        }
        rules.add(new FaultRule(number, null, null, null, 0, 1, failure));
        return this;
    }

    /** Fails the {@code nth} (from 1) call from now, of any kind. */
    public synchronized Faults failNthCall(long nth, Failure failure) {
        requireAtLeastOne(nth, 1);
        return failAt(calls + nth, failure);
    }

    /** Fails the next call of kind {@code call}. */
    public Faults failNext(SimCall call, Failure failure) {
        return fail(call, 1, 1, failure);
    }

    /** Fails the {@code nth} (from 1) call of kind {@code call} from now. */
    public Faults failNth(SimCall call, long nth, Failure failure) {
        return fail(call, nth, 1, failure);
    }

    /** Fails every call of kind {@code call} from now on, until {@link #disarm()}. */
    public Faults failEvery(SimCall call, Failure failure) {
        return fail(call, 1, Long.MAX_VALUE, failure);
    }

    /** Fails {@code times} calls of kind {@code call} in a row, starting with the {@code nth} (from 1) from now. */
    public synchronized Faults fail(SimCall call, long nth, long times, Failure failure) {
        requireAtLeastOne(nth, times);
        rules.add(new FaultRule(0, Objects.requireNonNull(call, "call"), null, null, nth - 1, times, failure));
        return this;
    }

    /**
     * Fails the next call on {@code seam} (null: any) whose recorded text starts with {@code prefix} (null or empty:
     * any): for a call the typed kinds cannot single out, such as one device's {@code close}.
     */
    public Faults failNext(Seam seam, String prefix, Failure failure) {
        return fail(seam, prefix, 1, 1, failure);
    }

    /**
     * Fails {@code times} calls in a row, starting with the {@code nth} (from 1) coming call on {@code seam} (null: any)
     * whose recorded text starts with {@code prefix} (null or empty: any).
     */
    public synchronized Faults fail(Seam seam, String prefix, int nth, int times, Failure failure) {
        requireAtLeastOne(nth, times);
        String p = prefix == null || prefix.isEmpty() ? null : prefix;
        rules.add(new FaultRule(0, null, seam, p, nth - 1, times, failure));
        if (p != null) textRules++;
        return this;
    }

    private static void requireAtLeastOne(long nth, long times) {
        if (nth < 1 || times < 1) {
            throw new ValidationException("simulated failure", "nth " + nth + ", times " + times, "both at least 1");
        }
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

    /** Records the last {@value #DEFAULT_RECORDING} calls (on, the default) or none (off). */
    public Faults recording(boolean on) {
        return recording(on ? DEFAULT_RECORDING : 0);
    }

    /** Records the last {@code capacity} calls, dropping older ones; 0 records none and builds no text. */
    public synchronized Faults recording(int capacity) {
        if (capacity < 0) throw new ValidationException("simulated call recording", String.valueOf(capacity), "0 (off) or more calls");
        this.capacity = capacity;
        trimLog();
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

    /** Calls of kind {@code call} made so far ({@link RmCall#CONTROL} counts every control). */
    public synchronized long calls(SimCall call) {
        return perCall.get(Objects.requireNonNull(call, "call"))[0];
    }

    /** How many calls are recorded at most: the last ones; 0 when recording is off. */
    public synchronized int recordingCapacity() {
        return capacity;
    }

    /** How many recorded calls were dropped to keep the record within its bound. */
    public synchronized long dropped() {
        return dropped;
    }

    /** The recorded calls, oldest first: the last {@link #recordingCapacity()} since the last {@link #clearLog()}. */
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

    /** The recorded calls of kind {@code call}, oldest first. */
    public synchronized List<Call> log(SimCall call) {
        return log.stream().filter(c -> call.matches(c.call())).toList();
    }

    /** Forgets the recorded calls (the counts stay). */
    public synchronized void clearLog() {
        log.clear();
    }

    /** The calls that were made to fail, oldest first (recorded even while recording is off; the last ones). */
    public synchronized List<Call> injected() {
        return List.copyOf(injected);
    }

    // ---- for the seams ----

    /** Whether calls are recorded: a seam keeps its own records (decoded requests) only then. */
    synchronized boolean isRecording() {
        return capacity > 0;
    }

    /** Whether the next call's text is wanted: build it only then, so that a quiet call allocates nothing. */
    synchronized boolean wantsText() {
        return capacity > 0 || textRules > 0;
    }

    /**
     * Counts one call of kind {@code call} and says whether it fails: null for no. {@code text} describes the call,
     * or is null when {@link #wantsText()} said no. An armed stop that matches runs first, outside this object's lock.
     */
    Failure enter(SimCall call, String text) {
        Runnable stop = takeStop(call.seam(), text);
        if (stop != null) stop.run();
        return count(call, text);
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

    private synchronized Failure count(SimCall call, String text) {
        long number = ++calls;
        perSeam[call.seam().ordinal()]++;
        perCall.get(call)[0]++;
        if (call.kind() != call) perCall.get(call.kind())[0]++;
        Failure failure = null;
        for (int i = 0; i < rules.size(); i++) {
            FaultRule r = rules.get(i);
            if (!r.matches(number, call, text)) continue;
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
            LOG.trace("simulated call #{} {} {}{}", number, call, text, failure == null ? "" : " -> " + failure);
        }
        if (capacity > 0 || failure != null) {
            Call c = new Call(number, call, text, failure);
            if (capacity > 0) {
                log.addLast(c);
                trimLog();
            }
            if (failure != null) {
                injected.addLast(c);
                if (injected.size() > DEFAULT_RECORDING) injected.removeFirst();
            }
        }
        return failure;
    }

    private void trimLog() {
        while (log.size() > capacity) {
            log.removeFirst();
            dropped++;
        }
    }

    @Override
    public synchronized String toString() {
        return "Faults[" + calls + " calls (mdev " + perSeam[0] + ", vfio " + perSeam[1] + ", nvidia " + perSeam[2] + ", sriov " + perSeam[3] + "), "
                + (rules.size() + stops.size()) + " armed, " + injected.size() + " injected, recording "
                + (capacity == 0 ? "off" : "the last " + capacity) + "]";
    }
}
