package io.mdevgpu;

/**
 * A vGPU as the host's lists return it: an mdev instance ({@code /sys/bus/mdev/devices/<uuid>}) or, on an SR-IOV GPU,
 * a virtual function's vGPU ({@link #virtualFunction()} names the VF). The name is the API's first one, kept so that
 * code written for mdev hosts runs unchanged; {@link Vgpu} names what both are.
 */
public interface MdevInstance extends Vgpu {
}
