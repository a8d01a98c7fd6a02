/**
 * Bindings for {@code linux/vfio.h} as Debian bookworm's {@code linux-libc-dev} (6.1) ships it, in jextract's
 * shape: one final class per C struct, named as in C, with its {@code LAYOUT}, {@code sizeof()} and static
 * accessors over a {@link java.lang.foreign.MemorySegment}; {@link io.mdevgpu.kernel.abi.vfio.VfioIoctls} holds
 * the request numbers and {@link io.mdevgpu.kernel.abi.vfio.VfioConstants} the macros, each named as in C.
 *
 * <p>Offsets come from the layouts alone; a test compiles a C program against the system header and compares
 * every struct size, alignment, field offset and size, request number and constant with these classes.
 */
package io.mdevgpu.kernel.abi.vfio;
