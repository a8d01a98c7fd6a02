package io.mdevgpu;

/**
 * A vGPU as the host's lists return it: an mdev instance ({@code /sys/bus/mdev/devices/<uuid>}) or, on an SR-IOV GPU,
 * a virtual function's vGPU ({@link #virtualFunction()} names the VF). The name is the API's first one, kept so that
 * code written for mdev hosts runs unchanged; {@link Vgpu} names what both are.
 *
 * <p>Immutable and thread-safe, like its {@link MdevHost}; each {@link #open()} gives a {@link VfioDevice} of its own,
 * which is not.
 */
public interface MdevInstance extends Vgpu {
}
