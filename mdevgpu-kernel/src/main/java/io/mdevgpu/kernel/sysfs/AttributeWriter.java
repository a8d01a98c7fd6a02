package io.mdevgpu.kernel.sysfs;

import java.nio.file.Path;

import io.mdevgpu.KernelException;
import io.mdevgpu.kernel.sys.Syscalls;

/**
 * One write to a sysfs attribute, the way the kernel wants it: one {@code write(2)} of the whole text, and a
 * failure raised as the {@link KernelException} of the kernel's errno. {@link #LINUX} does it with
 * {@link Syscalls#writeAttribute}; the simulated kernel supplies its own, which answers with the errno the
 * real mdev core would, so the code above this seam runs unchanged on both.
 */
@FunctionalInterface
public interface AttributeWriter {
    /** The real kernel: {@code open(O_WRONLY)}, one {@code write(2)}, {@code close}; needs native access. */
    AttributeWriter LINUX = (attribute, text, operation) -> Syscalls.writeAttribute(attribute.toString(), text, operation);

    /**
     * Writes {@code text} to {@code attribute}.
     *
     * @param operation what the write does, for the error message ({@code "create mdev"})
     * @throws KernelException of the errno the kernel answered
     */
    void write(Path attribute, String text, String operation);
}
