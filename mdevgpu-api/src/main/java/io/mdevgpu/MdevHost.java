package io.mdevgpu;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.UUID;

/**
 * A host with GPUs: the real one ({@link #open()}) or a simulated one ({@link #simulated(String)}) whose
 * kernel and NVIDIA driver behave like the real ones beneath the same kernel seam. The entry point of the API.
 * Closing the host frees the driver handles it holds; types registered and instances created stay.
 *
 * <pre>{@code
 * try (var host = MdevHost.simulated("default")) {
 *     var gpu = host.gpu("0000:65:00.0");
 *     gpu.plan(type).apply();
 * }
 * }</pre>
 */
public interface MdevHost extends AutoCloseable {

    /** The real host: {@code /sys}, {@code /dev}, {@code /etc/mdevctl.d}. */
    static MdevHost open() {
        return provider().open(HostSpec.real());
    }

    /**
     * A simulated host: {@code "default"} (two A100 40GB and one T4 on a 550 driver), the name of an inventory
     * under {@code samples/hosts/} ({@code "h100-580"}), or a path to an inventory TOML file.
     */
    static MdevHost simulated(String inventory) {
        return provider().open(HostSpec.simulated(inventory));
    }

    /** The default simulated host. */
    static MdevHost simulated() {
        return simulated("default");
    }

    static MdevHost open(HostSpec spec) {
        return provider().open(spec);
    }

    private static MdevHostProvider provider() {
        return ServiceLoader.load(MdevHostProvider.class, MdevHost.class.getClassLoader()).findFirst()
                .orElseThrow(() -> new HostStateException("open host", null,
                        "no mdevgpu engine found (io.mdevgpu.core is not on the class or module path)",
                        "Add mdevgpu-core to the class or module path", null));
    }

    /** What this host is: real or simulated, its roots, the driver release. */
    HostSpec spec();

    /**
     * The NVIDIA driver as the host reports it, when one is loaded.
     *
     * @throws PermissionDeniedException the driver's version file is there but this process may not read it
     */
    Optional<DriverInfo> driver();

    /** Every GPU (display-class PCI device), in address order. */
    List<ParentDevice> gpus();

    /** The GPU at {@code address} ({@code "65:00.0"} or {@code "0000:65:00.0"}). */
    ParentDevice gpu(String address);

    /** Every mdev instance on the host, active ones first. */
    List<MdevInstance> instances();

    Optional<MdevInstance> instance(UUID uuid);

    /** Plans a TOML configuration (strict loading; nothing changes until {@link Plan#apply()}). */
    default Plan plan(Path configFile) {
        return plan(configFile, false);
    }

    /**
     * Plans a TOML configuration, keeping the types the GPUs already have when {@code keepExistingTypes} is true
     * whatever the file's {@code keep} key says (the predecessor's {@code -k}); false follows the file.
     */
    Plan plan(Path configFile, boolean keepExistingTypes);

    /** Persistent definitions in mdevctl's format ({@code /etc/mdevctl.d/<parent>/<uuid>}). */
    Definitions definitions();

    @Override
    void close();
}
