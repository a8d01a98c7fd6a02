package io.mdevgpu.kernel.vfio;

/**
 * Runs every step of a close even when one fails, so that one stuck fd never leaks the rest; the first failure
 * is thrown at the end with the later ones suppressed.
 */
final class Closer {
    private RuntimeException first;

    void run(Runnable step) {
        try {
            step.run();
        } catch (RuntimeException e) {
            add(e);
        }
    }

    void add(RuntimeException failure) {
        if (failure == null) return;
        if (first == null) first = failure;
        else first.addSuppressed(failure);
    }

    void finish() {
        if (first != null) throw first;
    }
}
