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
 * <p>Thread-safe: one host may be shared by any number of threads. Every read goes to the host when it is asked;
 * applies are serialized by the host's apply lock (across processes too), and concurrent creates are decided by
 * the kernel (of more creates than room, the extra ones fail with a typed error). {@link #close()} may come from any
 * thread; it closes the {@link VfioDevice}s opened through this host.
 *
 * <pre>{@code
 * try (var host = MdevHost.simulated("default")) {
 *     var gpu = host.gpu("0000:65:00.0");
 *     gpu.plan(type).apply();
 * }
 * }</pre>
 */
public interface MdevHost extends AutoCloseable {

    /**
     * The real host: {@code /sys}, {@code /dev}, {@code /etc/mdevctl.d}.
     *
     * @return the host, open; close it when done
     * @throws HostStateException when no engine is found ({@code mdevgpu-core} is not on the class or module path)
     */
    static MdevHost open() {
        return provider().open(HostSpec.real());
    }

    /**
     * A simulated host: {@code "default"} (two A100 40GB and one T4 on a 550 driver), the name of an inventory
     * under {@code samples/hosts/} ({@code "h100-580"}), or a path to an inventory TOML file.
     *
     * @param inventory the inventory's name or file
     * @return the host, open, its tree in a temporary directory deleted on {@link #close()}
     * @throws ValidationException when {@code inventory} is null or blank
     * @throws ConfigException     when it names no built-in inventory and no file, or the file is no valid inventory
     * @throws HostStateException  when no engine or no simulator is found ({@code mdevgpu-core} or
     *                             {@code mdevgpu-sim} is not on the class or module path)
     */
    static MdevHost simulated(String inventory) {
        return provider().open(HostSpec.simulated(inventory));
    }

    /**
     * The default simulated host, {@code simulated("default")}.
     *
     * @return the host, open
     * @throws HostStateException when no engine or no simulator is found
     */
    static MdevHost simulated() {
        return simulated("default");
    }

    /**
     * The host {@code spec} names: real (at its roots) or simulated (its inventory, in a temporary tree or kept in a
     * directory).
     *
     * @param spec which host, e.g. {@code HostSpec.parse("sim:h100-580@/var/tmp/h")}
     * @return the host, open
     * @throws ConfigException    when a simulated host's inventory is missing or invalid
     * @throws HostStateException when no engine, or for a simulated host no simulator, is found
     */
    static MdevHost open(HostSpec spec) {
        return provider().open(spec);
    }

    private static MdevHostProvider provider() {
        return ServiceLoader.load(MdevHostProvider.class, MdevHost.class.getClassLoader()).findFirst()
                .orElseThrow(() -> new HostStateException("open host", null,
                        "no mdevgpu engine found (io.mdevgpu.core is not on the class or module path)",
                        "Add mdevgpu-core to the class or module path", null));
    }

    /**
     * {@return what this host is: real or simulated (with its inventory), its roots} An open simulated host's spec
     * also says where its tree is ({@link HostSpec#simulatedTree()}).
     */
    HostSpec spec();

    /**
     * The NVIDIA driver as the host reports it, when one is loaded.
     *
     * @return the driver's version, ABI family and limits, read from {@code driver/nvidia/version} under the spec's
     *         proc root ({@code /proc}); empty when no NVIDIA driver is loaded, or its version file names no version
     * @throws PermissionDeniedException the driver's version file is there but this process may not read it
     */
    Optional<DriverInfo> driver();

    /**
     * {@return every GPU (display-class PCI device), in address order; empty when the host has none} An SR-IOV
     * virtual function is part of its GPU, not a GPU of its own.
     */
    List<ParentDevice> gpus();

    /**
     * The GPU at {@code address} ({@code "65:00.0"} or {@code "0000:65:00.0"}).
     *
     * @param address the PCI address; without a domain, domain 0
     * @return the GPU
     * @throws ValidationException   when {@code address} is no PCI address
     * @throws NoSuchDeviceException ENODEV: there is no GPU at that address (the message lists the GPUs there are)
     */
    ParentDevice gpu(String address);

    /**
     * {@return every vGPU on the host: the mdev instances (in UUID order), then the vGPUs on SR-IOV GPUs' virtual
     * functions; empty when there are none}
     */
    List<MdevInstance> instances();

    /**
     * {@return the vGPU {@code uuid}, an mdev instance or a VF's vGPU, or empty when the host has none of that UUID}
     *
     * @param uuid the vGPU's UUID
     */
    Optional<MdevInstance> instance(UUID uuid);

    /**
     * Plans a TOML configuration (strict loading; nothing changes until {@link Plan#apply()}).
     *
     * @param configFile the configuration file
     * @return the plan; types that do not fit are listed in {@link Plan#problems()}, not thrown
     * @throws ConfigException for a missing or unreadable file, content the schema does not allow, or an entry whose
     *                         filter matches no GPU or only GPUs that are not NVIDIA's
     */
    default Plan plan(Path configFile) {
        return plan(configFile, false);
    }

    /**
     * Plans a TOML configuration, keeping the types the GPUs already have when {@code keepExistingTypes} is true
     * whatever the file's {@code keep} key says (the predecessor's {@code -k}); false follows the file.
     *
     * @param configFile        the configuration file
     * @param keepExistingTypes true to keep the GPUs' current types whatever the file says
     * @return the plan; types that do not fit are listed in {@link Plan#problems()}, not thrown
     * @throws ConfigException for a missing or unreadable file, content the schema does not allow, or an entry whose
     *                         filter matches no GPU or only GPUs that are not NVIDIA's
     */
    Plan plan(Path configFile, boolean keepExistingTypes);

    /** {@return the persistent definitions in mdevctl's format ({@code /etc/mdevctl.d/<parent>/<uuid>})} */
    Definitions definitions();

    /**
     * Closes the {@link VfioDevice}s opened through this host and frees the driver handles it holds; types registered
     * and instances created stay. A simulated host's temporary tree is deleted (one kept in a directory stays).
     * Idempotent, from any thread. Plans, applies, creates, removes and device opens after it throw
     * {@link KernelException} with {@link Errno#EBADF}.
     *
     * @throws KernelException the first failure to close a device, with the others suppressed in it; the rest is
     *                         closed all the same
     */
    @Override
    void close();
}
