package io.mdevgpu.sim;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Supplier;

import io.mdevgpu.kernel.sysfs.HostLock;
import io.mdevgpu.kernel.sysfs.SysfsLayout;
import io.mdevgpu.kernel.sysfs.SysfsReader;
import io.mdevgpu.sim.SysfsTreeWriter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The simulated kernel's memory for a host kept in a directory: one state file ({@link SimKernelState}) that every
 * process opening the host reads and writes, so that they all see one kernel, as processes on a real host do.
 *
 * <p>Each call into the simulated kernel that reads or changes that state runs between {@link #enter()} and
 * {@link #exit()}: enter takes the host's lock (a lock per directory within this JVM, then {@code fcntl} on
 * {@code run/mdevgpu-sim/kernel.lock}, which the OS drops when a process dies, so a killed process leaves no lock)
 * and, when another process has written the state since this one last read or wrote it (its text differs), loads it;
 * exit writes the state when the call changed it ({@link #changed()}) and its text is not the file's already, by a
 * temporary file renamed over the old one, so a reader never sees a torn state, and releases the lock. Calls nest (a
 * register publishes types within the same call). A call that must wait for another process (a remove waiting for a
 * device another process holds open) gives the lock up meanwhile with {@link #awaitOutside}.
 *
 * <p>Before a call changes the tree it marks the state {@code pending} ({@link #beginTreeChange()}): a process
 * killed between the tree's change and the state's write leaves that mark, and the next process to enter repairs the
 * tree from the last state it finds ({@code repair}).
 *
 * <p>For a host that lives in one process (a temporary directory), {@link #NONE} does nothing.
 */
class SimKernelStore {
    private static final Logger LOG = LoggerFactory.getLogger(SimKernelStore.class);
    /** The entry of the host's root that holds the state's directory: all a root may hold besides a host's tree. */
    static final String ROOT_ENTRY = "run";
    static final String DIRECTORY = ROOT_ENTRY + "/mdevgpu-sim";
    static final String STATE_FILE = "kernel.state";
    static final String PENDING_FILE = "kernel.pending";
    static final String LOCK_FILE = "kernel.lock";

    /** The store of a host that lives in one process: nothing is shared. */
    static final SimKernelStore NONE = new SimKernelStore();

    private final Path directory;
    private final Path stateFile;
    private final Path pendingFile;
    private final Path lockFile;
    private final SysfsTreeWriter files;
    private Supplier<SimKernelState> capture;
    private Consumer<SimKernelState> restore;
    private Consumer<SimKernelState> repair;
    private int depth;
    private HostLock lock;
    /** The state's text as this process last read or wrote it. */
    private String lastSeen;
    /** The text last parsed, and what it parsed to: a reopen reads the state twice (check, then load) for one parse. */
    private String parsedText;
    private SimKernelState parsed;
    private boolean changed;
    private boolean treePending;

    private SimKernelStore() {
        directory = stateFile = pendingFile = lockFile = null;
        files = null;
    }

    /** The store of the host whose tree is at {@code root}; its directory is made if missing. */
    SimKernelStore(Path root) {
        this.directory = root.toAbsolutePath().normalize().resolve(DIRECTORY);
        this.stateFile = directory.resolve(STATE_FILE);
        this.pendingFile = directory.resolve(PENDING_FILE);
        this.lockFile = directory.resolve(LOCK_FILE);
        this.files = new SysfsTreeWriter(SysfsLayout.under(root));
        files.directory(directory);
    }

    boolean isShared() {
        return directory != null;
    }

    /**
     * How the kernel's state is taken ({@code capture}), put in place after another process changed it
     * ({@code restore}) and the tree made to match it after a process died in the middle of a change ({@code repair}).
     */
    void bind(Supplier<SimKernelState> capture, Consumer<SimKernelState> restore, Consumer<SimKernelState> repair) {
        this.capture = Objects.requireNonNull(capture);
        this.restore = Objects.requireNonNull(restore);
        this.repair = Objects.requireNonNull(repair);
    }

    /** Whether a state file exists: the host was made before, by this process or another. */
    boolean exists() {
        return isShared() && Files.exists(stateFile);
    }

    /** Whether a process died while it made the host: it left its pending mark and no state. In a section. */
    boolean creationInterrupted() {
        return isShared() && Files.exists(pendingFile) && !Files.exists(stateFile);
    }

    /** Loads the state as the file holds it now (repairing the tree if a process died changing it). In a section. */
    void reload() {
        if (!isShared()) return;
        lastSeen = null;
        refresh();
        removeStaleTemporaries();
    }

    /** Takes the host's lock and brings this process's state up to date. Call under the simulated kernel's monitor. */
    void enter() {
        if (!isShared()) return;
        if (depth++ > 0) return;
        try {
            lockFiles();
            refresh();
        } catch (RuntimeException | Error e) {
            depth = 0;
            unlockFiles();
            throw e;
        }
    }

    /** Writes the state if the call changed it, then releases the lock (when the outermost call ends). */
    void exit() {
        if (!isShared()) return;
        if (--depth > 0) return;
        try {
            if (changed) save();
        } finally {
            changed = false;
            unlockFiles();
        }
    }

    /** The current call changed the state: exit writes it. */
    void changed() {
        if (isShared()) changed = true;
    }

    /**
     * The current call is about to change the tree: if this process dies before the state is written, the next one
     * repairs the tree from the state. Exit clears the mark.
     */
    void beginTreeChange() {
        if (!isShared() || treePending) return;
        files.file(pendingFile, "a process changes the tree; if it died, the next process repairs the tree from "
                + STATE_FILE + "\n");
        treePending = true;
        changed = true;
    }

    /**
     * Waits on {@code monitor} (the simulated kernel's, which the caller holds) for up to {@code millis}, with the
     * host's lock given up meanwhile, then takes it again and brings the state up to date.
     */
    void awaitOutside(Object monitor, long millis) throws InterruptedException {
        int held = depth;
        if (isShared() && held > 0) {
            if (changed) save();
            changed = false;
            unlockFiles();
            depth = 0;
        }
        try {
            monitor.wait(millis);
        } finally {
            if (isShared() && held > 0) {
                lockFiles();
                depth = held;
                refresh();
            }
        }
    }

    /** Brings this process's state up to date with what other processes wrote, and lets the lock go again. */
    void sync() {
        enter();
        exit();
    }

    /** Writes the state as it is now (a new host's first state, or the last before it closes). */
    void saveNow() {
        if (!isShared()) return;
        enter();
        try {
            changed();
        } finally {
            exit();
        }
    }

    /**
     * Writes {@code text} as the file {@code name} of the state's directory ({@link KeptInventory#FILE}), replacing it in
     * one step. In a section, so that two processes keeping it at once leave one's whole text.
     */
    void keep(String name, String text) {
        if (!isShared()) return;
        files.file(directory.resolve(name), text);
    }

    /** The state as the file holds it now, or null when there is none. */
    SimKernelState read() {
        String text = readText();
        return text == null ? null : parse(text);
    }

    private SimKernelState parse(String text) {
        if (!text.equals(parsedText)) {
            parsed = SimKernelState.parse(text, stateFile);
            parsedText = text;
        }
        return parsed;
    }

    private String readText() {
        try {
            return Files.readString(stateFile);
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            throw SysfsReader.failure("read", stateFile, e);
        }
    }

    private void refresh() {
        if (restore == null) return; // the host is being made or opened: nothing to load into yet
        boolean pending = Files.exists(pendingFile);
        String text = readText(); // a few KiB: comparing it is what tells another process's change, not its inode or time
        if (pending) {
            // the lock is ours, so the process that marked it died in the middle of a change
            SimKernelState last = text == null ? null : parse(text);
            LOG.warn("the simulated host at {} was left in the middle of a change by a process that died; repairing its "
                    + "tree from the last state", directory.getParent().getParent());
            if (last != null) {
                restore.accept(last);
                repair.accept(last);
            }
            files.removeFile(pendingFile);
            removeStaleTemporaries();
            lastSeen = text;
            return;
        }
        if (text == null) {
            lastSeen = null; // gone (removed by hand): the next save writes it again
            return;
        }
        if (text.equals(lastSeen)) return;
        restore.accept(parse(text));
        lastSeen = text;
    }

    /**
     * The temporary files a writer of the state, the pending mark or the kept inventory leaves when killed before its rename
     * ({@code .kernel.pending.new}): this process holds the lock every writer holds, so theirs are dead. In a section.
     */
    private void removeStaleTemporaries() {
        for (Path file : List.of(stateFile, pendingFile, directory.resolve(KeptInventory.FILE))) {
            Path temporary = SysfsTreeWriter.temporaryOf(file);
            if (Files.exists(temporary)) {
                LOG.warn("removing {}, left by a process that died writing it", temporary);
                files.removeFile(temporary);
            }
        }
    }

    private void save() {
        String text = capture.get().text();
        if (!text.equals(lastSeen)) { // unchanged: the file holds this text (enter read it under the lock)
            files.file(stateFile, text);
            lastSeen = text;
        }
        if (treePending) {
            files.removeFile(pendingFile);
            treePending = false;
        }
    }

    private void lockFiles() {
        try {
            lock = HostLock.acquire(lockFile);
        } catch (IOException e) {
            throw SysfsReader.failure("lock", lockFile, e);
        }
    }

    private void unlockFiles() {
        if (lock == null) return;
        lock.close();
        lock = null;
    }

    @Override
    public String toString() {
        return isShared() ? "SimKernelStore[" + stateFile + "]" : "SimKernelStore[this process only]";
    }
}
