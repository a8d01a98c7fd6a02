package io.mdevgpu.kernel.vfio;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.locks.LockSupport;

/**
 * What lets a handle be closed while other threads use it: every use of its fd or its arena {@link #enter enters}
 * and {@link #exit exits}; {@link #shut} makes every later enter fail and {@link #awaitIdle} waits until the uses
 * inside have left. So no use meets a closed fd (or its number reused by another open) or a freed arena, and a
 * use after the close is refused before it starts, for the handle to throw its typed error.
 *
 * <p>One int: the shut bit and the count of uses inside. Enter and exit are one atomic add each, allocate
 * nothing and never block, so uses of one handle do not wait for each other and a use never waits for a close
 * (it fails instead: no deadlock between a handle and its parent's gate). Not reentrant for the closer: a thread
 * inside must not close the same handle.
 */
final class AccessGate {
    private static final int SHUT = Integer.MIN_VALUE;
    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(AccessGate.class, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** {@link #SHUT} | the number of uses inside. */
    private volatile int state;
    /** Who waits in {@link #awaitIdle}: the last use out wakes it. */
    private volatile Thread closer;

    /** True: the use may go on, and must {@link #exit}. False: the gate is shut, do nothing (no exit). */
    boolean enter() {
        if ((int) STATE.getAndAdd(this, 1) >= 0) return true;
        exit();
        return false;
    }

    void exit() {
        if ((int) STATE.getAndAdd(this, -1) == (SHUT | 1)) LockSupport.unpark(closer);
    }

    /** Refuses every later {@link #enter}; true for the one call that shut it, false once it was shut. */
    boolean shut() {
        closer = Thread.currentThread();
        return ((int) STATE.getAndBitwiseOr(this, SHUT) & SHUT) == 0;
    }

    boolean isShut() {
        return state < 0;
    }

    /** After {@link #shut}: returns once no use is inside (uses are short; a blocking one must be woken first). */
    void awaitIdle() {
        closer = Thread.currentThread();
        while (state != SHUT) {
            // the unpark of the last use out may go to a losing closer: the timeout covers that
            LockSupport.parkNanos(this, 1_000_000L);
        }
    }

    @Override
    public String toString() {
        int s = state;
        return (s < 0 ? "shut, " : "open, ") + (s & ~SHUT) + " inside";
    }
}
